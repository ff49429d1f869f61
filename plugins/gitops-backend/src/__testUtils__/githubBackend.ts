import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Entity } from '@backstage/catalog-model';
import {
  createGitHubStandIn,
  seedBareRepository,
} from '@shipdeck/github-stand-in';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { JsonObject } from '@backstage/types';
import knexFactory, { Knex } from 'knex';
import { gitopsPlugin } from '../plugin';
import {
  examplesDir,
  exampleEntities,
  exampleEnvironments,
} from './exampleBackend';

/** Every file under a folder, keyed by its path relative to it. */
export function filesOf(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, {
    withFileTypes: true,
    recursive: true,
  })) {
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name);
      files[relative(dir, path)] = readFileSync(path, 'utf8');
    }
  }
  return files;
}

/** What a test backend over a stand-in is started with. */
export interface StandInBackendOptions {
  knex: Knex;
  files?: Record<string, string>;
  entities?: Entity[];
  /** Extra features, e.g. a scheduler the test drives by hand. */
  features?: Parameters<typeof startTestBackend>[0]['features'];
  /** Adjusts the gitops config, e.g. to set a webhook secret. */
  gitops?: (config: Record<string, any>) => Record<string, any>;
}

/** The demo manifests (or `files`) in a new bare repository. */
export async function seedManifests(options: StandInBackendOptions) {
  const { dir } = await seedBareRepository({
    files: options.files ?? filesOf(join(examplesDir, 'manifests')),
  });
  const git = (...args: string[]) =>
    execFileSync('git', ['--git-dir', dir, ...args], {
      encoding: 'utf8',
    }).trim();
  return { dir, git };
}

/**
 * The gitops backend with the demo environments and entities, its manifest
 * repository `repo` reached through `integrations` (a stand-in's).
 */
export async function startStandInBackend(
  options: StandInBackendOptions & {
    repo: string;
    integrations: JsonObject;
    gitopsDefaults?: JsonObject;
  },
) {
  const { server } = await startTestBackend({
    features: [
      gitopsPlugin,
      mockServices.rootConfig.factory({
        data: {
          integrations: options.integrations,
          gitops: (options.gitops ?? (c => c))({
            environments: exampleEnvironments,
            manifests: {
              repo: options.repo,
              path: '{service}/overlays/{env}',
            },
            ...options.gitopsDefaults,
          }),
        },
      }),
      // The test's database for Shipdeck; other plugins (the events
      // backend) get their own, so their migrations do not race Shipdeck's.
      createServiceFactory({
        service: coreServices.database,
        deps: { plugin: coreServices.pluginMetadata },
        factory: ({ plugin }) =>
          mockServices.database({
            knex:
              plugin.getId() === 'gitops'
                ? options.knex
                : knexFactory({
                    client: 'better-sqlite3',
                    connection: ':memory:',
                    useNullAsDefault: true,
                  }),
          }),
      }),
      catalogServiceMock.factory({
        entities: options.entities ?? exampleEntities(),
      }),
      ...(options.features ?? []),
    ],
  });
  return server;
}

/**
 * The gitops backend writing to `github.com/shop/deploy`, served by the
 * GitHub stand-in over a bare repository seeded with the given files (the
 * demo manifests by default). Credentials come from `integrations.github`,
 * exactly as in production.
 */
export async function startGitHubBackend(options: StandInBackendOptions) {
  const { dir, git } = await seedManifests(options);
  const standIn = createGitHubStandIn({
    repos: [{ owner: 'shop', repo: 'deploy', dir }],
    token: 'ghp_test',
  });
  const { url, close } = await standIn.start();
  const server = await startStandInBackend({
    ...options,
    repo: 'github.com/shop/deploy',
    integrations: {
      github: [{ host: 'github.com', apiBaseUrl: url, token: 'ghp_test' }],
    },
    gitopsDefaults: { github: { throttle: false } },
  });
  return { server, git, standIn, url, close };
}
