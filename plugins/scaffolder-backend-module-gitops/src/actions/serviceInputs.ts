import { FieldSchema } from './parseInput';

/*
 * Inputs gitops:manifests:create and argocd:application:create share, so a
 * template can pass the same values to both and they mean the same there.
 */

type Zod = Parameters<FieldSchema>[0];

export const serviceInputs = {
  name: (z: Zod) =>
    z
      .string()
      .describe(
        'Service name (the catalog entity name): lowercase letters, digits and "-", starting with a letter, at most 63 characters',
      ),
  environments: (z: Zod) =>
    z
      .array(z.string())
      .min(1)
      .describe(
        'Environments to write files for; each must be configured in Shipdeck',
      ),
  targetPath: (z: Zod) =>
    z
      .string()
      .default('.')
      .describe(
        'Folder in the workspace to write into: the root of the manifest repository',
      ),
  namespace: (z: Zod) =>
    z
      .string()
      .default('{service}-{env}')
      .describe(
        'Namespace the service runs in, per environment (template with {service} and {env})',
      ),
  environmentLabel: (z: Zod) =>
    z
      .string()
      .default('shipdeck.io/environment')
      .describe(
        'Label naming the environment, as gitops.argocd.environmentLabel',
      ),
  overwrite: (z: Zod) =>
    z
      .boolean()
      .default(false)
      .describe(
        'Replace files that already exist; otherwise existing files fail the step and nothing is written',
      ),
};

/** A Helm chart: a folder in the manifest repository or a chart in a Helm repository. */
export const chartInput = (z: Zod) =>
  z.union([
    z
      .object({
        path: z.string().describe('Chart folder in the manifest repository'),
      })
      .strict(),
    z
      .object({
        repoURL: z.string().describe('Helm repository URL'),
        chart: z.string().describe('Chart name in that repository'),
        version: z.string().describe('Chart version'),
      })
      .strict(),
  ]);
