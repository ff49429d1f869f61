import { posix } from 'node:path';
import { ChartRef, GeneratedFile } from './types';
import { yamlDocument, yamlFile, YamlPath } from './yamlDocument';

export interface ApplicationSource {
  /** The manifest repository. */
  repoURL: string;
  targetRevision: string;
  /** kustomize or plain manifests: the folder; unused for Helm. */
  path: string;
  helm?: {
    chart: ChartRef;
    releaseName: string;
    /** Repo-relative values files, shared first. */
    valueFiles: string[];
  };
}

/** One Argo CD Application: a service in one environment. */
export interface ApplicationSpec {
  service: string;
  environment: string;
  name: string;
  appNamespace: string;
  project: string;
  destination: { server: string } | { name: string };
  namespace: string;
  source: ApplicationSource;
  automated: boolean;
  syncOptions: string[];
  revisionHistoryLimit: number;
  environmentLabel: string;
  /** The file to write, relative to targetPath. */
  file: string;
}

/** The ref name Argo CD multi-source Applications use for the values repository. */
const VALUES_REF = 'values';

function sources(source: ApplicationSource) {
  const helm = source.helm;
  if (!helm) {
    return {
      source: {
        repoURL: source.repoURL,
        targetRevision: source.targetRevision,
        path: source.path,
      },
    };
  }
  const chart = helm.chart;
  if ('path' in chart) {
    return {
      source: {
        repoURL: source.repoURL,
        targetRevision: source.targetRevision,
        path: chart.path,
        helm: {
          releaseName: helm.releaseName,
          // Argo CD reads value files relative to the chart folder.
          valueFiles: helm.valueFiles.map(file =>
            posix.relative(chart.path, file),
          ),
        },
      },
    };
  }
  return {
    sources: [
      {
        repoURL: chart.repoURL,
        chart: chart.chart,
        targetRevision: chart.version,
        helm: {
          releaseName: helm.releaseName,
          valueFiles: helm.valueFiles.map(file => `$${VALUES_REF}/${file}`),
        },
      },
      {
        repoURL: source.repoURL,
        targetRevision: source.targetRevision,
        ref: VALUES_REF,
      },
    ],
  };
}

function syncPolicy(spec: ApplicationSpec) {
  return {
    ...(spec.automated && {
      automated: { prune: true, selfHeal: true },
      retry: {
        limit: 5,
        backoff: { duration: '5s', factor: 2, maxDuration: '3m' },
      },
    }),
    syncOptions: spec.syncOptions,
  };
}

export function applicationDocument(spec: ApplicationSpec) {
  const value = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: spec.name,
      namespace: spec.appNamespace,
      labels: {
        'app.kubernetes.io/name': spec.service,
        [spec.environmentLabel]: spec.environment,
      },
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
    },
    spec: {
      project: spec.project,
      ...sources(spec.source),
      destination: { ...spec.destination, namespace: spec.namespace },
      syncPolicy: syncPolicy(spec),
      revisionHistoryLimit: spec.revisionHistoryLimit,
    },
  };
  const comments: Array<readonly [YamlPath, string]> = [
    [
      [],
      spec.automated
        ? `${spec.service} in ${spec.environment}: Argo CD syncs every change to the manifests.`
        : `${spec.service} in ${spec.environment}: no automated sync; Shipdeck syncs after a deployment lands.`,
    ],
    [
      ['metadata', 'labels'],
      'Shipdeck finds the Application of an entity and environment by these labels.',
    ],
    [
      ['metadata', 'finalizers'],
      'Deleting the Application deletes what it deployed, instead of orphaning it.',
    ],
  ];
  if (spec.automated) {
    comments.push([
      ['spec', 'syncPolicy', 'automated'],
      'selfHeal reverts changes made by hand; prune removes what left Git.',
    ]);
  }
  return yamlDocument(value, { comments });
}

export function applicationFiles(specs: ApplicationSpec[]): GeneratedFile[] {
  return specs.map(spec => ({
    path: spec.file,
    content: yamlFile([applicationDocument(spec)]),
  }));
}
