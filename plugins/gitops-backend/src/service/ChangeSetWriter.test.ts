import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import { seedLocalRepositories } from '../scm/seedLocalRepositories';
import { ManifestRepositories } from '../scm/ManifestRepositories';
import { BranchLocks } from '../scm/BranchLocks';
import { TargetResolver } from '../targets/TargetResolver';
import { syntheticServices } from '../__testUtils__/syntheticServices';
import knexFactory from 'knex';
import { DatabaseDeploymentStore } from '../database/DatabaseDeploymentStore';
import { ChangeSetWriter } from './ChangeSetWriter';

async function setup(count: number) {
  const { seedDir, entities } = syntheticServices(count);
  const repoDir = join(
    mkdtempSync(join(tmpdir(), 'shipdeck-csw-')),
    'repo.git',
  );
  const config = new ConfigReader({
    gitops: {
      environments: [{ name: 'dev' }],
      manifests: {
        repo: 'local:demo',
        path: '{service}/overlays/{env}',
        local: [{ name: 'demo', path: repoDir, seedFrom: seedDir }],
      },
    },
  });
  await seedLocalRepositories({ config, logger: mockServices.logger.mock() });
  const repositories = ManifestRepositories.fromConfig(config, {
    logger: mockServices.logger.mock(),
  });
  const targets = TargetResolver.fromConfig(config);
  const git = (...args: string[]) =>
    execFileSync('git', ['--git-dir', repoDir, ...args], {
      encoding: 'utf8',
    }).trim();
  return { entities, repositories, targets, git };
}

const author = { name: 'ci', email: 'ci@example' };

jest.setTimeout(60_000);

/** One deployment per service at once, spread over the replicas' writers. */
const deployEach = (
  entities: Entity[],
  replicas: ChangeSetWriter[],
  targets: TargetResolver,
) =>
  entities.map((entity, i) =>
    replicas[i % replicas.length].apply({
      edits: [{ target: targets.resolve(entity)[0], version: `9.${i}.0` }],
      mode: 'commit',
      message: () => `deploy ${entity.metadata.name}`,
      author,
    }),
  );

describe('ChangeSetWriter', () => {
  it('loses nothing when writers in different processes race for the branch', async () => {
    const { entities, repositories, targets, git } = await setup(30);
    // Separate lock sets behave like separate backend replicas: only the
    // compare-and-swap on the branch keeps them apart.
    const replicas = [0, 1, 2].map(
      () =>
        new ChangeSetWriter(repositories, new BranchLocks(), {
          maxAttempts: 50,
          backoffMs: 5,
        }),
    );
    await Promise.all(deployEach(entities, replicas, targets));
    expect(git('rev-list', '--count', 'main')).toBe('31');
    for (let i = 0; i < 30; i++) {
      expect(
        git('show', `main:svc-${i}/overlays/dev/kustomization.yaml`),
      ).toContain(`newTag: "9.${i}.0"`);
    }
  });

  it('has replicas sharing a database take turns on the branch, so none has to retry', async () => {
    const { entities, repositories, targets, git } = await setup(24);
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
    });
    const store = await DatabaseDeploymentStore.create({
      database: { getClient: async () => knex },
    });
    // One attempt each: without the shared lease, racing replicas would
    // find the branch moved and give up (409).
    const replicas = [0, 1, 2].map(
      () =>
        new ChangeSetWriter(
          repositories,
          new BranchLocks(store.branchLeases()),
          { maxAttempts: 1, backoffMs: 5 },
        ),
    );
    const outcomes = await Promise.allSettled(
      deployEach(entities, replicas, targets),
    );
    expect(outcomes.filter(o => o.status === 'rejected')).toEqual([]);
    expect(git('rev-list', '--count', 'main')).toBe('25');
    await knex.destroy();
  });

  it('writes a multi-service change set as one commit, or not at all', async () => {
    const { entities, repositories, targets, git } = await setup(3);
    const writer = new ChangeSetWriter(repositories);
    const before = git('rev-parse', 'main');
    await expect(
      writer.apply({
        edits: [
          { target: targets.resolve(entities[0])[0], version: '2.0.0' },
          {
            target: {
              ...targets.resolve(entities[1])[0],
              manifest: {
                ...targets.resolve(entities[1])[0].manifest,
                path: 'svc-1/overlays/nope',
              },
            },
            version: '2.0.0',
          },
        ],
        mode: 'commit',
        message: () => 'release',
        author,
      }),
    ).rejects.toThrow(
      'svc-1/overlays/nope/kustomization.yaml does not exist in local:demo@main',
    );
    expect(git('rev-parse', 'main')).toBe(before);

    const result = await writer.apply({
      edits: entities.map(e => ({
        target: targets.resolve(e)[0],
        version: '2.0.0',
      })),
      mode: 'commit',
      message: () => 'release',
      author,
    });
    expect(git('rev-parse', 'main^')).toBe(before);
    expect(
      git('show', '--name-only', '--format=', result.commitSha!).split('\n'),
    ).toHaveLength(3);
  });

  it('refuses a change set that spans repositories', async () => {
    const { entities, repositories, targets } = await setup(2);
    const writer = new ChangeSetWriter(repositories);
    const [a] = targets.resolve(entities[0]);
    const [b] = targets.resolve(entities[1]);
    await expect(
      writer.apply({
        edits: [
          { target: a, version: '1.0.1' },
          {
            target: { ...b, manifest: { ...b.manifest, repo: 'local:other' } },
            version: '1.0.1',
          },
        ],
        mode: 'commit',
        message: () => 'x',
        author,
      }),
    ).rejects.toThrow('One change set must land in one repository and branch');
  });
});
