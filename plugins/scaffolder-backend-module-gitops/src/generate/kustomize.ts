import { posix } from 'node:path';
import { stringify } from 'yaml';
import { hpaDocument } from './hpa';
import { migrationJobDocument } from './migrationJob';
import { pdbDocument } from './pdb';
import { configMapName } from './podTemplate';
import { serviceDocuments } from './service';
import { GeneratedFile, ServiceEnvironment, ServiceSpec } from './types';
import { workloadDocument, workloadRef } from './workload';
import { yamlDocument, yamlFile, YamlPath } from './yamlDocument';

const KUSTOMIZATION = {
  apiVersion: 'kustomize.config.k8s.io/v1beta1',
  kind: 'Kustomization',
};
const ROLLOUT_CONFIG = 'kustomizeconfig.yaml';

// kustomize strips one pair of matching quotes around a literal's value, so
// a value that has them gets another pair to keep it as written.
function literal(key: string, value: string): string {
  const quoted = /^(["']).*\1$/s.test(value);
  return `${key}=${quoted ? `"${value}"` : value}`;
}

/**
 * kustomize rewrites references to generated ConfigMaps (with their hash
 * suffix) only in kinds it knows; this teaches it the Rollout's envFrom.
 */
function rolloutConfigFile(): string {
  return yamlFile([
    yamlDocument(
      {
        nameReference: [
          {
            kind: 'ConfigMap',
            version: 'v1',
            fieldSpecs: [
              {
                kind: 'Rollout',
                path: 'spec/template/spec/containers/envFrom/configMapRef/name',
              },
            ],
          },
        ],
      },
      {
        comments: [
          [
            [],
            'Lets kustomize rename the generated ConfigMap (hash suffix) in the Rollout too,\nas it does in Deployments.',
          ],
        ],
      },
    ),
  ]);
}

function baseFiles(spec: ServiceSpec, basePath: string): GeneratedFile[] {
  const at = (file: string) => posix.join(basePath, file);
  const workloadFile =
    spec.workload.kind === 'Rollout' ? 'rollout.yaml' : 'deployment.yaml';
  const files: GeneratedFile[] = [];
  if (spec.migration) {
    files.push({
      path: at('migration-job.yaml'),
      content: yamlFile([migrationJobDocument(spec, spec.migration)]),
    });
  }
  files.push({
    path: at(workloadFile),
    content: yamlFile([workloadDocument(spec)]),
  });
  if (spec.service) {
    files.push({
      path: at('service.yaml'),
      content: yamlFile(serviceDocuments(spec)),
    });
  }
  const resources = files.map(file => posix.basename(file.path));
  const hasConfig = Object.keys(spec.config).length > 0;
  const rolloutConfig = hasConfig && spec.workload.kind === 'Rollout';
  if (rolloutConfig) {
    files.push({ path: at(ROLLOUT_CONFIG), content: rolloutConfigFile() });
  }
  const kustomization = {
    ...KUSTOMIZATION,
    resources,
    ...(rolloutConfig && { configurations: [ROLLOUT_CONFIG] }),
    ...(hasConfig && {
      configMapGenerator: [
        {
          name: configMapName(spec),
          literals: Object.entries(spec.config).map(([k, v]) => literal(k, v)),
        },
      ],
    }),
  };
  const comments: Array<readonly [YamlPath, string]> = [
    [
      [],
      `${spec.name} in every environment; each overlay sets its version, replicas and namespace.`,
    ],
  ];
  if (hasConfig) {
    comments.push([
      ['configMapGenerator'],
      'The name gets a hash of the content, so a config change rolls the pods\nlike a new version, and a rollback gets the old config back.',
    ]);
  }
  files.unshift({
    path: at('kustomization.yaml'),
    content: yamlFile([yamlDocument(kustomization, { comments })]),
  });
  return files;
}

/** JSON patch operations an environment needs on the base workload. */
function workloadPatch(spec: ServiceSpec, env: ServiceEnvironment) {
  const ops: object[] = [
    env.hpa
      ? { op: 'remove', path: '/spec/replicas' }
      : { op: 'replace', path: '/spec/replicas', value: env.replicas },
  ];
  const workload = spec.workload;
  if (
    workload.kind === 'Rollout' &&
    workload.strategy === 'blueGreen' &&
    !env.protected
  ) {
    ops.push({
      op: 'replace',
      path: '/spec/strategy/blueGreen/autoPromotionEnabled',
      value: true,
    });
  }
  return stringify(ops).trimEnd();
}

function overlayFiles(
  spec: ServiceSpec,
  env: ServiceEnvironment,
  basePath: string,
): GeneratedFile[] {
  const at = (file: string) => posix.join(env.path, file);
  const extra: GeneratedFile[] = [];
  if (env.hpa) {
    extra.push({
      path: at('hpa.yaml'),
      content: yamlFile([hpaDocument(spec, env.hpa)]),
    });
  }
  if (env.podDisruptionBudget) {
    extra.push({
      path: at('pdb.yaml'),
      content: yamlFile([pdbDocument(spec)]),
    });
  }
  const ref = workloadRef(spec);
  const kustomization = {
    ...KUSTOMIZATION,
    namespace: env.namespace,
    resources: [
      posix.relative(env.path || '.', basePath || '.'),
      ...extra.map(file => posix.basename(file.path)),
    ],
    labels: [
      {
        pairs: { [spec.environmentLabel]: env.name },
        includeSelectors: false,
      },
    ],
    images: [{ name: spec.image, newTag: spec.version }],
    patches: [
      {
        target: { kind: ref.kind, name: ref.name },
        patch: workloadPatch(spec, env),
      },
    ],
  };
  const comments: Array<readonly [YamlPath, string]> = [
    [
      [],
      `${spec.name} in ${env.name}. Shipdeck deploys by changing newTag below; nothing else.`,
    ],
    [
      ['labels', 0, 'includeSelectors'],
      'Selectors are immutable: an environment label in them would block later changes.',
    ],
  ];
  if (env.hpa) {
    comments.push([
      ['patches'],
      'No fixed replicas: the HPA (hpa.yaml) owns the count, and a sync must not reset it.',
    ]);
  }
  const overlay = yamlDocument(kustomization, {
    comments,
    quoted: [['images', 0, 'newTag']],
    literal: [['patches', 0, 'patch']],
  });
  return [
    { path: at('kustomization.yaml'), content: yamlFile([overlay]) },
    ...extra,
  ];
}

/** The base and one overlay per environment, as the demo repository lays them out. */
export function kustomizeFiles(
  spec: ServiceSpec,
  basePath: string,
): GeneratedFile[] {
  return [
    ...baseFiles(spec, basePath),
    ...spec.environments.flatMap(env => overlayFiles(spec, env, basePath)),
  ];
}
