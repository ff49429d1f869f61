import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** An example of one template step running `action`, as the scaffolder shows it. */
export function stepExample(step: {
  id: string;
  action: string;
  name: string;
}) {
  return (
    description: string,
    input: Record<string, unknown>,
  ): TemplateExample => ({
    description,
    example: yaml.stringify({ steps: [{ ...step, input }] }),
  });
}
