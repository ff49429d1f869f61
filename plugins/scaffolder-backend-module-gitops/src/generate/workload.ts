import { Document } from 'yaml';
import { podTemplate, podTemplateStyle, selectorLabels } from './podTemplate';
import { CanaryStep, ServiceSpec, Workload } from './types';
import { YamlPath, yamlDocument } from './yamlDocument';

/** Replicas the base starts with; every overlay sets its own. */
export const BASE_REPLICAS = 1;

export const DEFAULT_CANARY_STEPS: CanaryStep[] = [
  { setWeight: 20 },
  { pause: { duration: '60s' } },
  { setWeight: 50 },
  { pause: { duration: '60s' } },
  { setWeight: 80 },
  { pause: { duration: '60s' } },
];

/** What an HPA, a PDB or a patch points at. */
export function workloadRef(spec: ServiceSpec) {
  return spec.workload.kind === 'Rollout'
    ? { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: spec.name }
    : { apiVersion: 'apps/v1', kind: 'Deployment', name: spec.name };
}

export function previewServiceName(spec: ServiceSpec): string {
  return `${spec.name}-preview`;
}

// The same rolling-update knobs for a Deployment and a canary Rollout.
const ROLLING = { maxUnavailable: 0, maxSurge: 1 };
const ROLLING_COMMENT =
  'Never go below the desired capacity during a rollout: a new pod has to be\nready before an old one stops.';

export const DEPLOYMENT_STRATEGY = {
  type: 'RollingUpdate',
  rollingUpdate: ROLLING,
};

/** The Rollout's spec.strategy. */
export function rolloutStrategy(
  spec: ServiceSpec,
  workload: Extract<Workload, { kind: 'Rollout' }>,
) {
  if (workload.strategy === 'blueGreen') {
    return {
      blueGreen: {
        activeService: spec.name,
        previewService: previewServiceName(spec),
        autoPromotionEnabled: false,
        scaleDownDelaySeconds: workload.scaleDownDelaySeconds,
      },
    };
  }
  return { canary: { ...ROLLING, steps: workload.canarySteps } };
}

function strategy(spec: ServiceSpec) {
  return spec.workload.kind === 'Deployment'
    ? DEPLOYMENT_STRATEGY
    : rolloutStrategy(spec, spec.workload);
}

function strategyComments(
  spec: ServiceSpec,
): Array<readonly [YamlPath, string]> {
  const workload = spec.workload;
  if (workload.kind === 'Deployment') {
    return [
      [
        ['spec', 'strategy', 'rollingUpdate', 'maxUnavailable'],
        ROLLING_COMMENT,
      ],
    ];
  }
  if (workload.strategy === 'blueGreen') {
    return [
      [
        ['spec', 'strategy', 'blueGreen'],
        `Blue-green: the new version starts behind ${previewServiceName(
          spec,
        )} and takes the traffic of ${spec.name} only when promoted.`,
      ],
      [
        ['spec', 'strategy', 'blueGreen', 'autoPromotionEnabled'],
        'Off here so a forgotten overlay is the safe case; overlays of unprotected\nenvironments turn it on, protected ones wait for a person (or Shipdeck).',
      ],
      [
        ['spec', 'strategy', 'blueGreen', 'scaleDownDelaySeconds'],
        'The old version stays up this long after the switch, for a quick way back.',
      ],
    ];
  }
  return [
    [['spec', 'strategy', 'canary', 'maxUnavailable'], ROLLING_COMMENT],
    [
      ['spec', 'strategy', 'canary', 'steps'],
      'Without a traffic router the weights are approximated by pod counts.',
    ],
  ];
}

/** The base Deployment or Rollout. */
export function workloadDocument(spec: ServiceSpec): Document {
  const ref = workloadRef(spec);
  const value = {
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    metadata: { name: spec.name, labels: selectorLabels(spec) },
    spec: {
      replicas: BASE_REPLICAS,
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorLabels(spec) },
      strategy: strategy(spec),
      template: podTemplate(spec),
    },
  };
  const pod = podTemplateStyle(spec, ['spec', 'template']);
  return yamlDocument(value, {
    comments: [
      [
        ['spec', 'replicas'],
        'Each overlay sets its own replicas, and drops them where an HPA scales the workload.',
      ],
      ...strategyComments(spec),
      ...pod.comments,
    ],
    flow: pod.flow,
  });
}
