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

/**
 * The gitops backend writing to `github.com/shop/deploy`, served by the
 * GitHub stand-in over a bare repository seeded with the given files (the
 * demo manifests by default). Credentials come from `integrations.github`,
 * exactly as in production.
 */
export async function startGitHubBackend(options: {
  knex: Knex;
  files?: Record<string, string>;
  entities?: Entity[];
  /** Extra features, e.g. a scheduler the test drives by hand. */
  features?: Parameters<typeof startTestBackend>[0]['features'];
  /** Adjusts the gitops config, e.g. to set a webhook secret. */
  gitops?: (config: Record<string, any>) => Record<string, any>;
}) {
  const { dir } = await seedBareRepository({
    files: options.files ?? filesOf(join(examplesDir, 'manifests')),
  });
  const standIn = createGitHubStandIn({
    repos: [{ owner: 'shop', repo: 'deploy', dir }],
    token: 'ghp_test',
  });
  const { url, close } = await standIn.start();
  const { server } = await startTestBackend({
    features: [
      gitopsPlugin,
      mockServices.rootConfig.factory({
        data: {
          integrations: {
            github: [
              { host: 'github.com', apiBaseUrl: url, token: 'ghp_test' },
            ],
          },
          gitops: (options.gitops ?? (c => c))({
            environments: exampleEnvironments,
            manifests: {
              repo: 'github.com/shop/deploy',
              path: '{service}/overlays/{env}',
            },
            github: { throttle: false },
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
  const git = (...args: string[]) =>
    execFileSync('git', ['--git-dir', dir, ...args], {
      encoding: 'utf8',
    }).trim();
  return { server, git, standIn, url, close };
}
