import { makeFieldSchema } from '@backstage/plugin-scaffolder-react';
import { Environment } from '@shipdeck/plugin-gitops-common';

/** The `ui:field` value templates use. */
export const ENVIRONMENT_PICKER_FIELD = 'GitopsEnvironmentPicker';

/**
 * What the field returns (one environment name for `type: string`, a list for
 * `type: array`) and the `ui:options` it reads.
 */
export const EnvironmentPickerFieldSchema = makeFieldSchema({
  output: z => z.union([z.string(), z.array(z.string())]),
  uiOptions: z =>
    z.object({
      allowedEnvironments: z
        .array(z.string())
        .optional()
        .describe(
          'Offer only these environments (by name); they keep the configured promotion order',
        ),
      excludeProtected: z
        .boolean()
        .optional()
        .describe(
          'Leave out protected environments (those that need gitops.deploy.protected)',
        ),
    }),
});

export type EnvironmentPickerProps = typeof EnvironmentPickerFieldSchema.TProps;

export type EnvironmentPickerValue =
  typeof EnvironmentPickerFieldSchema.TOutput;

export type EnvironmentPickerUiOptions = NonNullable<
  EnvironmentPickerProps['uiSchema']['ui:options']
>;

/**
 * The configured environments a field offers under its `ui:options`, in
 * promotion order.
 */
export function offeredEnvironments(
  configured: Environment[],
  options: EnvironmentPickerUiOptions | undefined,
): Environment[] {
  const allowed = options?.allowedEnvironments;
  return configured.filter(
    environment =>
      (!allowed || allowed.includes(environment.name)) &&
      !(options?.excludeProtected && environment.protected),
  );
}

/** The names a form value holds: none, one, or a list. */
export function selectedNames(value: unknown): string[] {
  if (Array.isArray(value)) {
    return value.filter((name): name is string => typeof name === 'string');
  }
  return typeof value === 'string' && value ? [value] : [];
}
