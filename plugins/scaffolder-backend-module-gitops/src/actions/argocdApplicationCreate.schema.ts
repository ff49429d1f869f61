import { ApplicationsInput } from './applicationsSpec';
import { FieldSchema } from './parseInput';
import { chartInput, serviceInputs } from './serviceInputs';

/*
 * The inputs of argocd:application:create. Templates take `{service}` (the
 * name) and `{env}` (each environment).
 */

export const applicationsInput: Record<keyof ApplicationsInput, FieldSchema> = {
  name: serviceInputs.name,
  environments: serviceInputs.environments,
  repoURL: z =>
    z
      .string()
      .min(1)
      .describe(
        'The manifest repository Argo CD reads, e.g. https://github.com/acme/deploy.git or local:demo',
      ),
  targetRevision: z =>
    z
      .string()
      .min(1)
      .default('main')
      .describe('Branch, tag or commit of the manifest repository'),
  sourcePath: z =>
    z
      .string()
      .default('{service}/overlays/{env}')
      .describe(
        'kustomize or plain manifests: the folder of each environment (template with {service} and {env}); unused with helm',
      ),
  helm: z =>
    z
      .object({
        chart: chartInput(z).describe(
          'The chart: { path } in the manifest repository, or { repoURL, chart, version } (the values then come from the manifest repository as a second source)',
        ),
        valueFiles: z
          .array(z.string())
          .min(1)
          .describe(
            'Values files in the manifest repository, shared first (templates with {service} and {env}), e.g. the valueFiles output of gitops:manifests:create',
          ),
        releaseName: z
          .string()
          .optional()
          .describe(
            'Helm release name; default the service name, so objects are not named after the Application',
          ),
      })
      .strict()
      .optional()
      .describe('Deploy a Helm chart with values files instead of sourcePath'),
  project: z =>
    z.string().min(1).default('default').describe('Argo CD project'),
  destination: z =>
    z
      .union([
        z
          .object({
            server: z.string().min(1).describe('Cluster API server URL'),
          })
          .strict(),
        z
          .object({
            name: z.string().min(1).describe('Cluster name in Argo CD'),
          })
          .strict(),
      ])
      .default({ server: 'https://kubernetes.default.svc' })
      .describe(
        'The cluster: { server } or { name }; default the cluster Argo CD runs in',
      ),
  namespace: serviceInputs.namespace,
  appNamespace: z =>
    z
      .string()
      .default('argocd')
      .describe('Namespace the Application objects live in'),
  nameTemplate: z =>
    z
      .string()
      .default('{service}-{env}')
      .describe(
        'Application name (template with {service} and {env}); keep it equal to gitops.argocd.appNameTemplate',
      ),
  environmentLabel: serviceInputs.environmentLabel,
  automated: z =>
    z
      .union([z.boolean(), z.record(z.boolean())])
      .optional()
      .describe(
        'Automated sync (prune, selfHeal), everywhere or per environment; default on except in protected or pull-request environments, which Shipdeck syncs',
      ),
  syncOptions: z =>
    z
      .array(z.string())
      .default(['CreateNamespace=true', 'PruneLast=true'])
      .describe('Argo CD sync options'),
  revisionHistoryLimit: z =>
    z
      .number()
      .int()
      .min(0)
      .default(10)
      .describe('Sync history Argo CD keeps, for rollbacks'),
  path: z =>
    z
      .string()
      .default('argocd/{env}/{service}.yaml')
      .describe(
        'Where each Application is written (template with {service} and {env}), for an app of apps per environment',
      ),
  targetPath: serviceInputs.targetPath,
  overwrite: serviceInputs.overwrite,
};

export const applicationsOutput: Record<string, FieldSchema> = {
  files: z =>
    z.array(z.string()).describe('Files written, relative to targetPath'),
  applications: z =>
    z
      .array(
        z.object({
          environment: z.string().describe('Environment name'),
          name: z.string().describe('Application name'),
          namespace: z
            .string()
            .describe('Namespace the service is deployed to'),
          appNamespace: z
            .string()
            .describe('Namespace of the Application object'),
          path: z
            .string()
            .describe('The Application file, relative to targetPath'),
        }),
      )
      .describe('One Application per environment'),
  appNameTemplate: z =>
    z
      .string()
      .describe(
        'The name template used, for gitops.argocd.appNameTemplate or the argocd/app-name annotation',
      ),
  environmentLabel: z =>
    z
      .string()
      .describe(
        'The environment label used, for gitops.argocd.environmentLabel',
      ),
};
