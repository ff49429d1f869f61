import { InputError } from '@backstage/errors';
import { Environment } from '@shipdeck/plugin-gitops-common';
import { ApplicationSpec } from '../generate/argocdApplication';
import { ChartRef } from '../generate/types';
import {
  checkDnsLabel,
  checkLabelKey,
  renderName,
  renderPathTemplate,
} from '../generate/validate';
import { checkEnvironmentKeys, selectEnvironments } from './environments';

/** The input of argocd:application:create after its schema's checks and defaults. */
export interface ApplicationsInput {
  name: string;
  environments: string[];
  repoURL: string;
  targetRevision: string;
  sourcePath: string;
  helm?: { chart: ChartRef; valueFiles: string[]; releaseName?: string };
  project: string;
  destination: { server: string } | { name: string };
  namespace: string;
  appNamespace: string;
  nameTemplate: string;
  environmentLabel: string;
  automated?: boolean | Record<string, boolean>;
  syncOptions: string[];
  revisionHistoryLimit: number;
  path: string;
  targetPath: string;
  overwrite: boolean;
}

function noSpaces(value: string, field: string): string {
  if (/\s/.test(value)) {
    throw new InputError(`${field}: "${value}" must not contain spaces`);
  }
  return value;
}

/**
 * Argo CD syncs environments on its own unless changes there are reviewed
 * or restricted: Shipdeck syncs those once a deployment has landed.
 */
export function automatedByDefault(env: Environment): boolean {
  return !env.protected && !env.pullRequest;
}

function checkChart(chart: ChartRef, service: string): void {
  if ('path' in chart) {
    renderPathTemplate(chart.path, { service }, 'helm.chart.path');
  } else {
    noSpaces(chart.repoURL, 'helm.chart.repoURL');
    noSpaces(chart.chart, 'helm.chart.chart');
    noSpaces(chart.version, 'helm.chart.version');
  }
}

/** One Application per environment, every value checked; pure. */
export function resolveApplications(
  input: ApplicationsInput,
  configured: Environment[],
): ApplicationSpec[] {
  const service = checkDnsLabel(input.name, 'name');
  const environments = selectEnvironments(input.environments, configured);
  const automated = input.automated;
  const automatedMap = typeof automated === 'object' ? automated : undefined;
  checkEnvironmentKeys(automatedMap, environments, 'automated');
  const environmentLabel = checkLabelKey(
    input.environmentLabel,
    'environmentLabel',
  );
  const appNamespace = checkDnsLabel(input.appNamespace, 'appNamespace');
  const repoURL = noSpaces(input.repoURL, 'repoURL');
  const targetRevision = noSpaces(input.targetRevision, 'targetRevision');
  if (input.helm) checkChart(input.helm.chart, service);
  input.syncOptions.forEach((option, index) => {
    if (!/^[A-Za-z]+=\S+$/.test(option)) {
      throw new InputError(
        `syncOptions.${index}: "${option}" is not a sync option such as CreateNamespace=true`,
      );
    }
  });

  return environments.map(env => {
    const values = { service, env: env.name };
    // Paths spell the environment as the backend reads them (its pathName);
    // names (Application, namespace) keep the environment's name.
    const paths = { service, env: env.pathName ?? env.name };
    const file = renderPathTemplate(input.path, paths, 'path');
    if (!/\.ya?ml$/.test(file)) {
      throw new InputError(`path: "${input.path}" must name a .yaml file`);
    }
    const helm = input.helm;
    return {
      service,
      environment: env.name,
      name: renderName(input.nameTemplate, values, 'nameTemplate'),
      appNamespace,
      project: noSpaces(input.project, 'project'),
      destination: input.destination,
      namespace: renderName(input.namespace, values, 'namespace'),
      source: {
        repoURL,
        targetRevision,
        path: helm
          ? ''
          : renderPathTemplate(input.sourcePath, paths, 'sourcePath') || '.',
        ...(helm && {
          helm: {
            chart: helm.chart,
            releaseName: helm.releaseName ?? service,
            valueFiles: helm.valueFiles.map((template, index) =>
              renderPathTemplate(template, paths, `helm.valueFiles.${index}`),
            ),
          },
        }),
      },
      automated:
        automatedMap?.[env.name] ??
        (typeof automated === 'boolean' ? automated : automatedByDefault(env)),
      syncOptions: input.syncOptions,
      revisionHistoryLimit: input.revisionHistoryLimit,
      environmentLabel,
      file,
    };
  });
}
