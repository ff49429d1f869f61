import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Knex } from 'knex';
import {
  PermissionsService,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import { parseAllDocuments } from 'yaml';
import { gitopsPlugin } from '../plugin';

export const examplesDir = resolve(__dirname, '../../../../examples');

/** The demo's catalog entities (examples/catalog/shop.yaml). */
export function exampleEntities(): Entity[] {
  const text = readFileSync(join(examplesDir, 'catalog/shop.yaml'), 'utf8');
  return parseAllDocuments(text).map(doc => {
    const entity = doc.toJS() as Entity;
    entity.metadata.namespace ??= 'default';
    return entity;
  });
}

/** The entities with `annotations` added to those named `names`. */
export function withAnnotations(
  entities: Entity[],
  names: string[],
  annotations: Record<string, string>,
): Entity[] {
  return entities.map(e =>
    names.includes(e.metadata.name)
      ? {
          ...e,
          metadata: {
            ...e.metadata,
            annotations: { ...e.metadata.annotations, ...annotations },
          },
        }
      : e,
  );
}

/**
 * The demo's entities and a copy of its manifests naming their images on
 * another registry host (a registry stand-in), for image checks; the
 * overlays of `services` in `environment` are rewritten.
 */
export function onRegistry(
  host: string,
  services: string[],
  environment = 'dev',
): { entities: Entity[]; seed: string } {
  const entities = exampleEntities().map(e => {
    const image = e.metadata.annotations?.['shipdeck.io/image'];
    return image
      ? withAnnotations([e], [e.metadata.name], {
          'shipdeck.io/image': image.replace('registry.shop.example', host),
        })[0]
      : e;
  });
  const seed = mkdtempSync(join(tmpdir(), 'shipdeck-images-'));
  cpSync(join(examplesDir, 'manifests'), seed, { recursive: true });
  for (const service of services) {
    const overlay = join(
      seed,
      `${service}/overlays/${environment}/kustomization.yaml`,
    );
    writeFileSync(
      overlay,
      readFileSync(overlay, 'utf8').replace('registry.shop.example', host),
    );
  }
  return { entities, seed };
}

/** The demo's three environments; production by pull request, protected. */
export const exampleEnvironments = [
  { name: 'dev' },
  { name: 'staging' },
  { name: 'production', pullRequest: true, protected: true },
];

export const exampleConfig = (
  repoDir: string,
  seedFrom = join(examplesDir, 'manifests'),
  extraLocal: Array<{ name: string; path: string; seedFrom: string }> = [],
) => ({
  gitops: {
    environments: exampleEnvironments,
    manifests: {
      repo: 'local:demo',
      branch: 'main',
      path: '{service}/overlays/{env}',
      local: [{ name: 'demo', path: repoDir, seedFrom }, ...extraLocal],
    },
    argocd: { instances: [{ name: 'local', url: 'http://127.0.0.1:9' }] },
  },
});

/**
 * The gitops backend over the demo's manifests in a fresh bare repository,
 * with the demo catalog, on the given database.
 */
export async function startExampleBackend(options: {
  knex: Knex;
  entities?: Entity[];
  seedFrom?: string;
  /** Every permission allowed or denied, or a permissions service factory. */
  permission?:
    | AuthorizeResult.ALLOW
    | AuthorizeResult.DENY
    | ServiceFactory<PermissionsService, 'plugin'>;
  extraLocal?: Array<{ name: string; path: string; seedFrom: string }>;
  /** Extra features, e.g. a scheduler the test drives by hand. */
  features?: Parameters<typeof startTestBackend>[0]['features'];
  /** Where the bare manifest repository goes (default: a new temporary folder). */
  repoDir?: string;
  /** Adjusts the gitops config, e.g. to turn on image checks. */
  gitops?: (config: Record<string, any>) => Record<string, any>;
}) {
  const repoDir =
    options.repoDir ??
    join(mkdtempSync(join(tmpdir(), 'shipdeck-it-')), 'manifests.git');
  const backend = await startTestBackend({
    features: [
      gitopsPlugin,
      mockServices.rootConfig.factory({
        data: {
          gitops: (options.gitops ?? (c => c))(
            exampleConfig(repoDir, options.seedFrom, options.extraLocal).gitops,
          ),
        },
      }),
      mockServices.database.factory({ knex: options.knex }),
      catalogServiceMock.factory({
        entities: options.entities ?? exampleEntities(),
      }),
      typeof options.permission === 'object'
        ? options.permission
        : mockServices.permissions.factory({
            result: options.permission ?? AuthorizeResult.ALLOW,
          }),
      ...(options.features ?? []),
    ],
  });
  const git = (...args: string[]) =>
    execFileSync('git', ['--git-dir', repoDir, ...args], {
      encoding: 'utf8',
    }).trim();
  // stop: before the test ends, e.g. to drop a database the backend's
  // scheduler still polls.
  return { server: backend.server, repoDir, git, stop: () => backend.stop() };
}
