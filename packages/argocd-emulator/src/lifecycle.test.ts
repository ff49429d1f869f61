import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commitFiles } from './testRepo';
import {
  EXAMPLES,
  expectValidStreamMessage,
  Harness,
  openStream,
  sseMessages,
  startHarness,
  waitFor,
} from './__testUtils__/harness';

jest.setTimeout(60_000);

const example = (path: string) => readFileSync(join(EXAMPLES, path), 'utf8');

async function setOverlayTag(
  h: Harness,
  service: string,
  env: string,
  tag: string,
) {
  const path = `${service}/overlays/${env}/kustomization.yaml`;
  const text = example(path).replace(/newTag: "[^"]*"/, `newTag: "${tag}"`);
  return commitFiles(
    h.repoDir,
    { [path]: text },
    { message: `${service} ${env} ${tag}` },
  );
}

const image = (service: string, tag: string) =>
  `registry.shop.example/shop/${service}:${tag}`;

describe('reconciliation, operations and rollouts', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  const get = async (name: string) =>
    (await h.call('GET', `/api/v1/applications/${name}`)).body;

  it('auto-syncs a dev app after a commit: OutOfSync, Running, Succeeded, Progressing, Healthy', async () => {
    const stream = openStream(
      `${h.url}/api/v1/stream/applications?name=cart-dev`,
      {
        accept: 'text/event-stream',
      },
    );
    await waitFor(() => stream.text().length > 0);
    const sha = await setOverlayTag(h, 'cart', 'dev', '1.13.0');

    const final = await waitFor(
      async () => {
        const app = await get('cart-dev');
        // Shipdeck's rule: trust health only once reconciledAt >= finishedAt.
        const op = app.status.operationState;
        return (
          op?.phase === 'Succeeded' &&
          op.syncResult.revision === sha &&
          app.status.reconciledAt >= op.finishedAt &&
          app.status.health.status === 'Healthy' &&
          app
        );
      },
      20000,
      'cart-dev healthy on the new commit',
    );
    stream.close();

    expect(final.status.sync).toMatchObject({
      status: 'Synced',
      revision: sha,
    });
    expect(final.status.summary.images).toEqual([image('cart', '1.13.0')]);
    expect(final.status.operationState).toMatchObject({
      phase: 'Succeeded',
      message: 'successfully synced (all tasks run)',
      operation: {
        sync: { revision: sha, prune: true },
        initiatedBy: { automated: true },
      },
    });
    expect(final.status.history).toEqual([
      {
        id: 0,
        revision: sha,
        source: final.spec.source,
        deployStartedAt: final.status.operationState.startedAt,
        deployedAt: final.status.operationState.finishedAt,
        initiatedBy: { automated: true },
      },
    ]);

    const seen = sseMessages(stream.text()).map(m => {
      expectValidStreamMessage(m);
      return m.result.application;
    });
    const index = (predicate: (a: any) => boolean) => seen.findIndex(predicate);
    const outOfSync = index(
      a =>
        a.status.sync.status === 'OutOfSync' && a.status.sync.revision === sha,
    );
    const running = index(
      a => a.status.operationState?.phase === 'Running' && a.operation,
    );
    const succeeded = index(
      a => a.status.operationState?.phase === 'Succeeded',
    );
    const progressing = index(a => a.status.health.status === 'Progressing');
    const healthy =
      seen.length -
      1 -
      [...seen].reverse().findIndex(a => a.status.health.status === 'Healthy');
    expect(outOfSync).toBeGreaterThanOrEqual(0);
    expect(running).toBeGreaterThan(outOfSync);
    expect(succeeded).toBeGreaterThan(running);
    expect(progressing).toBeGreaterThan(succeeded);
    expect(healthy).toBeGreaterThan(progressing);

    // The gap: when the operation has just finished, the last comparison
    // predates it and health is still the old value (facts §2.4).
    const justFinished = seen[succeeded];
    expect(
      justFinished.status.reconciledAt <
        justFinished.status.operationState.finishedAt,
    ).toBe(true);
    expect(justFinished.status.health.status).toBe('Healthy');
    expect(justFinished.operation).toBeUndefined();
    // Once a reconcile caught up, health moved; during the rollout both images run.
    const caughtUp = seen[progressing];
    expect(
      caughtUp.status.reconciledAt >= caughtUp.status.operationState.finishedAt,
    ).toBe(true);
    expect(caughtUp.status.summary.images).toEqual([
      image('cart', '1.12.0'),
      image('cart', '1.13.0'),
    ]);
    expect(
      caughtUp.status.health.lastTransitionTime >=
        justFinished.status.health.lastTransitionTime,
    ).toBe(true);

    const events = (
      await h.call('GET', '/api/v1/applications/cart-dev/events')
    ).body.items.map((e: any) => `${e.reason}: ${e.message}`);
    expect(events).toEqual(
      expect.arrayContaining([
        'ResourceUpdated: Updated sync status: Synced -> OutOfSync',
        `OperationStarted: initiated automated sync to '${sha}'`,
        `OperationCompleted: Sync operation to ${sha} succeeded`,
        'ResourceUpdated: Updated health status: Healthy -> Progressing',
        'ResourceUpdated: Updated health status: Progressing -> Healthy',
      ]),
    );
  });

  it("runs orders' PreSync hook first, and a failing hook fails the sync without applying it", async () => {
    const sha = await setOverlayTag(h, 'orders', 'dev', '3.3.0');
    const waiting = await waitFor(
      async () => {
        const app = await get('orders-dev');
        return (
          app.status.operationState?.message ===
            'waiting for completion of hook batch/Job/orders-db-migrate' && app
        );
      },
      20000,
      'the hook to run',
    );
    expect(waiting.status.operationState.phase).toBe('Running');
    expect(waiting.status.operationState.syncResult.resources).toEqual([
      {
        group: 'batch',
        version: 'v1',
        kind: 'Job',
        namespace: 'shop-dev',
        name: 'orders-db-migrate',
        hookType: 'PreSync',
        hookPhase: 'Running',
        syncPhase: 'PreSync',
        images: [image('orders', '3.3.0')],
      },
    ]);
    const done = await waitFor(async () => {
      const app = await get('orders-dev');
      return app.status.operationState?.phase === 'Succeeded' && app;
    });
    const results = done.status.operationState.syncResult.resources;
    expect(results[0]).toMatchObject({
      kind: 'Job',
      hookType: 'PreSync',
      hookPhase: 'Succeeded',
      syncPhase: 'PreSync',
    });
    expect(
      results.slice(1).map((r: any) => [r.kind, r.status, r.syncPhase]),
    ).toEqual([
      ['Service', 'Synced', 'Sync'],
      ['Deployment', 'Synced', 'Sync'],
    ]);
    expect(done.status.history).toHaveLength(1);
    expect(done.status.operationState.syncResult.revision).toBe(sha);

    h.emulator.setFaults({
      failHook: { app: 'orders-dev', hook: 'orders-db-migrate' },
    });
    const failing = await setOverlayTag(h, 'orders', 'dev', '3.4.0');
    const failed = await waitFor(
      async () => {
        const app = await get('orders-dev');
        return (
          app.status.operationState?.syncResult?.revision === failing &&
          app.status.operationState.phase === 'Failed' &&
          app
        );
      },
      20000,
      'the failed sync',
    );
    expect(failed.status.operationState.message).toBe(
      'one or more synchronization tasks completed unsuccessfully',
    );
    expect(failed.status.operationState.syncResult.resources).toEqual([
      expect.objectContaining({
        kind: 'Job',
        hookType: 'PreSync',
        hookPhase: 'Failed',
        syncPhase: 'PreSync',
      }),
    ]);
    expect(failed.status.history).toHaveLength(1);
    // Not applied: the old version keeps running, and auto-sync does not retry the commit.
    await new Promise(r => setTimeout(r, 1200));
    const after = await get('orders-dev');
    expect(after.status.summary.images).toEqual([image('orders', '3.3.0')]);
    expect(after.status.sync.status).toBe('OutOfSync');
    expect(after.status.operationState.phase).toBe('Failed');
    expect(after.status.conditions).toContainEqual(
      expect.objectContaining({
        type: 'SyncError',
        message: `Failed last sync attempt to ${failing}: one or more synchronization tasks completed unsuccessfully`,
      }),
    );
    h.emulator.clearFaults();
  });

  it('pauses the payments blue-green Rollout (Suspended) and runs its actions', async () => {
    const rollout =
      'namespace=shop-dev&resourceName=payments&group=argoproj.io&kind=Rollout&version=v1alpha1';
    const actions = async () =>
      Object.fromEntries(
        (
          await h.call(
            'GET',
            `/api/v1/applications/payments-dev/resource/actions?${rollout}`,
          )
        ).body.actions.map((a: any) => [a.name, !!a.disabled]),
      );
    const run = (action: string) =>
      h.call('POST', '/api/v1/applications/payments-dev/resource/actions/v2', {
        name: 'payments-dev',
        appNamespace: 'argocd',
        project: 'shop',
        namespace: 'shop-dev',
        resourceName: 'payments',
        group: 'argoproj.io',
        kind: 'Rollout',
        version: 'v1alpha1',
        action,
      });

    expect(await actions()).toMatchObject({
      resume: true,
      'promote-full': true,
      abort: true,
      retry: true,
      restart: false,
    });

    await setOverlayTag(h, 'payments', 'dev', '5.0.2');
    const paused = await waitFor(
      async () => {
        const app = await get('payments-dev');
        return app.status.health.status === 'Suspended' && app;
      },
      20000,
      'payments-dev Suspended',
    );
    expect(paused.status.operationState.phase).toBe('Succeeded');
    expect(paused.status.summary.images).toEqual([
      image('payments', '5.0.1'),
      image('payments', '5.0.2'),
    ]);
    const rolloutStatus = paused.status.resources.find(
      (r: any) => r.kind === 'Rollout',
    );
    expect(rolloutStatus.health).toEqual({
      status: 'Suspended',
      message: 'BlueGreenPause',
    });
    expect(await actions()).toEqual({
      restart: false,
      resume: false,
      abort: false,
      retry: true,
      'promote-full': false,
      pause: true,
      'skip-current-step': true,
    });
    const tree = (
      await h.call('GET', '/api/v1/applications/payments-dev/resource-tree')
    ).body;
    expect(tree.nodes.filter((n: any) => n.kind === 'ReplicaSet')).toHaveLength(
      2,
    );

    expect((await run('resume')).body).toEqual({});
    const promoted = await waitFor(
      async () => {
        const app = await get('payments-dev');
        return app.status.health.status === 'Healthy' && app;
      },
      20000,
      'payments-dev Healthy after resume',
    );
    expect(promoted.status.summary.images).toEqual([
      image('payments', '5.0.2'),
    ]);
    expect(await actions()).toMatchObject({
      resume: true,
      abort: true,
      'promote-full': true,
    });

    await setOverlayTag(h, 'payments', 'dev', '5.0.3');
    await waitFor(
      async () =>
        (await get('payments-dev')).status.health.status === 'Suspended',
      20000,
      'paused again',
    );
    await run('abort');
    const aborted = await waitFor(async () => {
      const app = await get('payments-dev');
      return app.status.health.status === 'Degraded' && app;
    });
    expect(
      aborted.status.resources.find((r: any) => r.kind === 'Rollout').health,
    ).toEqual({
      status: 'Degraded',
      message: 'RolloutAborted: Rollout aborted update to revision 3',
    });
    expect(aborted.status.summary.images).toEqual([image('payments', '5.0.2')]);
    expect(await actions()).toMatchObject({ retry: false, abort: true });
    await run('retry');
    await waitFor(
      async () =>
        (await get('payments-dev')).status.health.status === 'Suspended',
      20000,
      'paused after retry',
    );
    await run('promote-full');
    await waitFor(
      async () =>
        (await get('payments-dev')).status.health.status === 'Healthy',
      20000,
      'healthy after promote-full',
    );

    const events = (
      await h.call('GET', '/api/v1/applications/payments-dev/events')
    ).body.items;
    expect(events.map((e: any) => e.message)).toContain(
      'ran action resume on resource argoproj.io/Rollout/payments',
    );
    const unknown = await run('explode');
    expect(unknown.status).toBe(500);
    const missing = await h.call(
      'GET',
      '/api/v1/applications/payments-dev/resource/actions?resourceName=nope&kind=Rollout&group=argoproj.io',
    );
    expect(missing.status).toBe(404);
  });

  it('keeps at most revisionHistoryLimit (10) history entries, oldest first', async () => {
    for (let i = 0; i < 12; i++) {
      const res = await h.call(
        'POST',
        '/api/v1/applications/worker-production/sync',
        {},
      );
      expect(res.status).toBe(200);
      await waitFor(
        async () => {
          const app = await get('worker-production');
          return (
            app.status.operationState?.phase === 'Succeeded' && !app.operation
          );
        },
        20000,
        `sync ${i + 1}`,
      );
    }
    const app = await get('worker-production');
    expect(app.status.history.map((e: any) => e.id)).toEqual([
      2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
    ]);
    expect(
      app.status.history.every(
        (e: any) => e.revision === app.status.sync.revision,
      ),
    ).toBe(true);
  });

  it('ends a rollout Degraded when the degrade fault names the app', async () => {
    h.emulator.setFaults({ degrade: { app: 'storefront-dev' } });
    await setOverlayTag(h, 'storefront', 'dev', '2.8.1');
    const degraded = await waitFor(
      async () => {
        const app = await get('storefront-dev');
        return app.status.health.status === 'Degraded' && app;
      },
      20000,
      'storefront-dev Degraded',
    );
    expect(
      degraded.status.resources.find((r: any) => r.kind === 'Deployment')
        .health,
    ).toEqual({
      status: 'Degraded',
      message: 'Deployment "storefront" exceeded its progress deadline',
    });
    h.emulator.clearFaults();
  });

  it('picks up Applications added to and removed from argocd/', async () => {
    const declared = example('argocd/dev/cart.yaml').replace(
      'name: cart-dev',
      'name: cart-preview',
    );
    await commitFiles(h.repoDir, { 'argocd/dev/cart-preview.yaml': declared });
    await h.emulator.reconcileNow();
    // A new app is not adopted: it deploys through auto-sync.
    const created = await waitFor(
      async () => {
        const res = await h.call('GET', '/api/v1/applications/cart-preview');
        return (
          res.status === 200 &&
          res.body.status.history?.length === 1 &&
          res.body
        );
      },
      20000,
      'cart-preview deployed',
    );
    expect(created.status.history[0].initiatedBy).toEqual({ automated: true });
    await commitFiles(h.repoDir, { 'argocd/dev/cart-preview.yaml': null });
    await h.emulator.reconcileNow();
    expect(
      (await h.call('GET', '/api/v1/applications/cart-preview')).status,
    ).toBe(403);
  });
});
