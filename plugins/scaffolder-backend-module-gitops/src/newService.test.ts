import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  coreServices,
  createServiceFactory,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { createEmulator } from '@shipdeck/argocd-emulator';
import { GitopsClient } from '@shipdeck/plugin-gitops-common';
import { runAction, startGitopsBackend } from './__testUtils__/gitopsBackend';
import { createArgocdApplicationCreateAction } from './actions/argocdApplicationCreate';
import { createArgocdSyncAction } from './actions/argocdSync';
import { createGitopsDeployAction } from './actions/gitopsDeploy';
import { createGitopsEnvironmentsListAction } from './actions/gitopsEnvironmentsList';
import { createGitopsManifestsCreateAction } from './actions/gitopsManifestsCreate';
import { createGitopsManifestsPublishAction } from './actions/gitopsManifestsPublish';
import { createGitopsPromoteAction } from './actions/gitopsPromote';

jest.setTimeout(180_000);

const examples = resolve(__dirname, '../../../examples/manifests');

/** Runs the gitops backend's Argo CD look when the test says, and every 200 ms. */
class TickingScheduler {
  readonly #tasks = new Map<string, () => Promise<void>>();
  #timer?: NodeJS.Timeout;
  async scheduleTask(task: { id: string; fn: () => Promise<void> }) {
    this.#tasks.set(task.id, task.fn);
  }
  async triggerTask(id: string) {
    await this.#tasks.get(id)?.();
  }
  start() {
    let running = false;
    this.#timer = setInterval(async () => {
      if (running) return;
      running = true;
      await Promise.all([...this.#tasks.values()].map(fn => fn())).catch(
        () => undefined,
      );
      running = false;
    }, 200);
  }
  stop() {
    clearInterval(this.#timer);
  }
  createScheduledTaskRunner() {
    return { run: (task: any) => this.scheduleTask(task) };
  }
  async getScheduledTasks() {
    return [];
  }
  async cancelTask() {}
}

/**
 * The whole path of a template author's new service against the real
 * gitops backend and the Argo CD emulator over one bare repository:
 * generate, publish, then deploy, sync and promote it with the actions.
 */
describe('a new service from generation to its first deployments', () => {
  const repoDir = join(mkdtempSync(join(tmpdir(), 'shipdeck-new-')), 'm.git');
  const git = (...args: string[]) =>
    execFileSync('git', ['--git-dir', repoDir, ...args], {
      encoding: 'utf8',
    }).trim();
  const scheduler = new TickingScheduler();
  let stop: () => Promise<void>;
  let actionOptions: any;
  let client: GitopsClient;

  beforeAll(async () => {
    const emulator = createEmulator({
      repoDir,
      token: 'token',
      timings: {
        pollIntervalMs: 100,
        operationStartMs: 20,
        hookMs: 100,
        syncMs: 100,
        progressingMs: 200,
        postOperationReconcileMs: 100,
      },
    });
    const argocd = await emulator.start();
    const backend = await startGitopsBackend({
      gitops: {
        manifests: {
          repo: 'local:demo',
          path: '{service}/overlays/{env}',
          local: [{ name: 'demo', path: repoDir, seedFrom: examples }],
        },
        argocd: {
          instances: [{ name: 'local', url: argocd.url, token: 'token' }],
        },
      },
      // As the catalog holds it once catalog:register has run.
      entities: [
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: {
            name: 'quotes',
            namespace: 'default',
            annotations: {
              'shipdeck.io/image': 'registry.shop.example/shop/quotes',
              'argocd/app-name': 'quotes',
            },
          },
          spec: { type: 'service', owner: 'group:default/team-shop' },
        },
      ],
      features: [
        createServiceFactory({
          service: coreServices.scheduler,
          deps: {},
          factory: () => scheduler as unknown as SchedulerService,
        }),
      ],
    });
    actionOptions = backend.options;
    client = new GitopsClient({
      discoveryApi: { getBaseUrl: backend.baseUrl },
      fetchApi: {
        fetch: (url, init) =>
          fetch(url, {
            ...init,
            headers: {
              ...(init?.headers as Record<string, string>),
              Authorization: 'Bearer mock-user-token',
            },
          }),
      },
    });
    scheduler.start();
    stop = async () => {
      scheduler.stop();
      await backend.stop();
      await argocd.close();
    };
  });

  afterAll(() => stop?.());

  /** Waits until Shipdeck's view of quotes in `environment` satisfies `ok`. */
  async function eventually(environment: string, ok: (status: any) => boolean) {
    for (let i = 0; i < 150; i++) {
      const { environments } = await client.getEntityEnvironments(
        'component:default/quotes',
      );
      const env = environments.find(e => e.environment.name === environment);
      if (env?.status && ok(env.status)) return env;
      await new Promise(r => setTimeout(r, 200));
    }
    throw new Error(`quotes in ${environment} never got there`);
  }

  it('generates, publishes, reaches Healthy in dev, then deploys, syncs and promotes with one-line changes', async () => {
    const input = {
      name: 'quotes',
      image: 'registry.shop.example/shop/quotes',
      version: '1.0.0',
      port: 8080,
      environments: ['dev', 'staging', 'production'],
      targetPath: 'manifests',
    };
    const { workspacePath } = await runAction(
      createGitopsManifestsCreateAction(actionOptions),
      { ...input, migration: { args: ['migrate', 'up'] } },
    );
    // Where to publish and what Applications point at, as a template reads them.
    const listed = await runAction(
      createGitopsEnvironmentsListAction(actionOptions),
      {},
    );
    expect(listed.outputs).toMatchObject({
      repository: 'local:demo',
      branch: 'main',
      repoURL: 'local:demo',
    });
    await runAction(
      createArgocdApplicationCreateAction(actionOptions),
      {
        name: 'quotes',
        environments: input.environments,
        repoURL: listed.outputs.repoURL,
        targetPath: 'manifests',
      },
      { workspacePath },
    );
    const before = git('rev-parse', 'main');
    const published = await runAction(
      createGitopsManifestsPublishAction(actionOptions),
      {
        entityRef: 'quotes',
        sourcePath: 'manifests',
        repository: listed.outputs.repository,
      },
      { workspacePath },
    );
    expect(published.outputs.commitSha).toBe(git('rev-parse', 'main'));
    expect(git('rev-parse', 'main^')).toBe(before);
    expect(published.outputs.pullRequestUrl).toMatch(/\/pulls\/1$/);
    // Production waits for review on Shipdeck's branch.
    expect(
      git('show', '--name-only', '--format=', 'shipdeck/production/new-quotes')
        .split('\n')
        .sort(),
    ).toEqual(
      [
        'argocd/production/quotes.yaml',
        'quotes/overlays/production/kustomization.yaml',
        'quotes/overlays/production/pdb.yaml',
      ].sort(),
    );

    // Argo CD finds the Applications in the app-of-apps folder and syncs dev.
    await eventually('dev', s => s.health === 'Healthy' && s.sync === 'Synced');

    const deployed = await runAction(createGitopsDeployAction(actionOptions), {
      entityRef: 'component:default/quotes',
      environment: 'dev',
      version: '1.1.0',
      wait: true,
      timeoutSeconds: 60,
    });
    expect(deployed.outputs).toMatchObject({
      status: 'healthy',
      unchanged: false,
      commitSha: git('rev-parse', 'main'),
    });
    expect(git('show', '--name-only', '--format=', 'main')).toBe(
      'quotes/overlays/dev/kustomization.yaml',
    );
    expect(
      git('show', '--format=', '--unified=0', 'main')
        .split('\n')
        .filter(l => /^[-+](?![-+])/.test(l)),
    ).toEqual(['-    newTag: "1.0.0"', '+    newTag: "1.1.0"']);

    const synced = await runAction(createArgocdSyncAction(actionOptions), {
      entityRef: 'quotes',
      environment: 'staging',
      timeoutSeconds: 60,
    });
    expect(synced.outputs).toMatchObject({
      application: 'quotes-staging',
      state: 'healthy',
    });

    const promoted = await runAction(createGitopsPromoteAction(actionOptions), {
      entityRef: 'quotes',
      from: 'dev',
      to: 'staging',
      wait: true,
      timeoutSeconds: 60,
    });
    expect(promoted.outputs.status).toBe('healthy');
    expect(
      git('show', '--format=', '--unified=0', 'main')
        .split('\n')
        .filter(l => /^[-+](?![-+])/.test(l)),
    ).toEqual(['-    newTag: "1.0.0"', '+    newTag: "1.1.0"']);
    const staging = await eventually('staging', s => s.version === '1.1.0');
    expect(staging.status?.health).toBe('Healthy');
  });

  it('refuses a dry-run deploy of an unknown environment with the backend’s message, writing nothing', async () => {
    const head = git('rev-parse', 'main');
    await expect(
      runAction(createGitopsDeployAction(actionOptions), {
        entityRef: 'quotes',
        environment: 'qa',
        version: '2.0.0',
      }),
    ).rejects.toThrow(/Unknown environment|qa/);
    const dry = await runAction(
      createGitopsDeployAction(actionOptions),
      { entityRef: 'quotes', environment: 'dev', version: '2.0.0' },
      { dryRun: true },
    );
    expect(dry.outputs.message).toMatch(
      /^Dry run: Deploy quotes 2\.0\.0 to dev/,
    );
    expect(git('rev-parse', 'main')).toBe(head);
  });
});
