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
  TOKEN,
  waitFor,
} from './__testUtils__/harness';

jest.setTimeout(60_000);

const example = (path: string) => readFileSync(join(EXAMPLES, path), 'utf8');

/** Changes the image tag of a kustomize overlay and commits it. */
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

describe('Argo CD emulator API', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('lists the Applications declared in the repository, sorted by name, synced and healthy', async () => {
    const res = await h.call('GET', '/api/v1/applications');
    expect(res.status).toBe(200);
    const names = res.body.items.map((a: any) => a.metadata.name);
    expect(names).toHaveLength(18);
    expect(names).toEqual([...names].sort());
    expect(res.body.metadata.resourceVersion).toMatch(/^\d+$/);
    const byName = Object.fromEntries(
      res.body.items.map((a: any) => [a.metadata.name, a]),
    );
    const cart = byName['cart-dev'];
    expect(cart.metadata.namespace).toBe('argocd');
    expect(cart.spec.source).toEqual({
      repoURL: 'local:demo',
      targetRevision: 'main',
      path: 'cart/overlays/dev',
    });
    expect(cart.status.sync).toMatchObject({
      status: 'Synced',
      revision: h.seedSha,
    });
    expect(cart.status.health.status).toBe('Healthy');
    expect(cart.status.sourceType).toBe('Kustomize');
    expect(cart.status.summary.images).toEqual([
      'registry.shop.example/shop/cart:1.12.0',
    ]);
    expect(byName['notifier-dev'].status.sourceType).toBe('Helm');
    expect(byName['notifier-dev'].status.summary.images).toEqual([
      'registry.shop.example/shop/notifier:0.9.3',
    ]);
    expect(byName['worker-dev'].status.sourceType).toBe('Directory');
    expect(byName['worker-dev'].status.summary.images).toEqual([
      'registry.shop.example/shop/worker:1.1.0',
    ]);
    expect(byName['payments-production'].status.resources).toContainEqual(
      expect.objectContaining({
        kind: 'Rollout',
        status: 'Synced',
        health: { status: 'Healthy' },
      }),
    );
  });

  it('filters by label selector, projects, name and appNamespace', async () => {
    const names = async (query: string) =>
      (await h.call('GET', `/api/v1/applications?${query}`)).body.items.map(
        (a: any) => a.metadata.name,
      );
    expect(await names('selector=app.kubernetes.io/name=cart')).toEqual([
      'cart-dev',
      'cart-production',
      'cart-staging',
    ]);
    expect(
      await names(
        `selector=${encodeURIComponent(
          'app.kubernetes.io/name in (cart,orders),shop.example/environment!=dev',
        )}`,
      ),
    ).toEqual([
      'cart-production',
      'cart-staging',
      'orders-production',
      'orders-staging',
    ]);
    expect(await names('projects=shop&projects=other&name=orders-dev')).toEqual(
      ['orders-dev'],
    );
    expect(await names('projects=other')).toEqual([]);
    expect(await names('appNamespace=elsewhere')).toEqual([]);
    expect((await names('appNamespace=argocd')).length).toBe(18);
  });

  it('projects list items through the allow-list of fields', async () => {
    const res = await h.call(
      'GET',
      '/api/v1/applications?fields=items.metadata.name,items.status.sync.status,items.status.history,items.status.reconciledAt&selector=app.kubernetes.io/name=cart',
    );
    expect(res.body.metadata.resourceVersion).toBeDefined();
    // history and reconciledAt are not in the allow-list: never returned.
    expect(res.body.items).toEqual([
      {
        metadata: { name: 'cart-dev' },
        status: { sync: { status: 'Synced' } },
      },
      {
        metadata: { name: 'cart-production' },
        status: { sync: { status: 'Synced' } },
      },
      {
        metadata: { name: 'cart-staging' },
        status: { sync: { status: 'Synced' } },
      },
    ]);
    // A leading '-' returns every allowed field but those listed. Sub-fields
    // of `spec` are allowed fields of their own, so they stay.
    const excluded = await h.call(
      'GET',
      '/api/v1/applications?fields=-items.status.resources,items.spec,items.spec.syncPolicy&name=cart-dev',
    );
    const item = excluded.body.items[0];
    expect(item.metadata.name).toBe('cart-dev');
    expect(item.spec).toEqual({
      project: 'shop',
      source: {
        repoURL: 'local:demo',
        targetRevision: 'main',
        path: 'cart/overlays/dev',
      },
      destination: {
        server: 'https://kubernetes.default.svc',
        namespace: 'shop-dev',
      },
    });
    expect(item.status.resources).toBeUndefined();
    expect(item.status.health.status).toBe('Healthy');
    expect(item.status.reconciledAt).toBeUndefined();
    expect(item.metadata.uid).toBeUndefined();
  });

  it('answers a missing app as Argo CD does: 403 without project, 404 with it', async () => {
    const forbidden = await h.call('GET', '/api/v1/applications/nope');
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toEqual({
      code: 7,
      message: 'permission denied',
      error: 'permission denied',
      details: [],
    });
    const missing = await h.call(
      'GET',
      '/api/v1/applications/nope?project=shop',
    );
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({
      code: 5,
      message: 'applications.argoproj.io "nope" not found',
    });
    expect(
      (await h.call('GET', '/api/v1/applications/cart-dev?project=other'))
        .status,
    ).toBe(404);
    expect(
      (await h.call('GET', '/api/v1/applications/cart-dev?project=shop'))
        .status,
    ).toBe(200);
    expect(
      (await h.call('GET', '/api/v1/applications/cart-dev?appNamespace=other'))
        .status,
    ).toBe(403);
  });

  it('serves a page where Argo CD links point, and 404 for an unknown app', async () => {
    const page = await fetch(`${h.url}/applications/argocd/cart-dev`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('<h1>cart-dev</h1>');
    expect(html).toMatch(/Health<\/th><td>Healthy/);
    expect(html).toContain('registry.shop.example/shop/cart:');
    const short = await fetch(`${h.url}/applications/cart-dev`);
    expect(short.status).toBe(200);
    const missing = await fetch(`${h.url}/applications/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('No Application nope');
  });

  it('requires a token (bearer header or argocd.token cookie)', async () => {
    const anonymous = await h.call('GET', '/api/v1/applications', undefined, {
      authorization: '',
    });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ code: 16 });
    const wrong = await h.call('GET', '/api/v1/applications', undefined, {
      authorization: 'Bearer nope',
    });
    expect(wrong.status).toBe(401);
    const cookie = await h.call('GET', '/api/v1/session/userinfo', undefined, {
      authorization: '',
      cookie: `argocd.token=${TOKEN}`,
    });
    expect(cookie.status).toBe(200);
    expect(cookie.body).toEqual({
      loggedIn: true,
      username: 'shipdeck',
      iss: 'argocd',
    });
  });

  it('serves revision metadata for a SHA and refuses an unresolved revision', async () => {
    const meta = await h.call(
      'GET',
      `/api/v1/applications/cart-dev/revisions/${h.seedSha}/metadata`,
    );
    expect(meta.status).toBe(200);
    expect(meta.body).toEqual({
      author: 'Shipdeck Test <test@shipdeck.local>',
      date: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      message: 'Seed the demo manifests',
      tags: [],
      references: [],
    });
    const chart = await h.call(
      'GET',
      '/api/v1/applications/cart-dev/revisions/1.4.2/metadata',
    );
    expect(chart.status).toBe(400);
    expect(chart.body).toMatchObject({
      code: 3,
      message: 'revision 1.4.2 must be resolved',
    });
  });

  it('serves the resource tree with health and images', async () => {
    const tree = await h.call(
      'GET',
      '/api/v1/applications/payments-dev/resource-tree',
    );
    expect(tree.status).toBe(200);
    const rollout = tree.body.nodes.find((n: any) => n.kind === 'Rollout');
    expect(rollout).toMatchObject({
      group: 'argoproj.io',
      version: 'v1alpha1',
      namespace: 'shop-dev',
      name: 'payments',
      health: { status: 'Healthy' },
      images: ['registry.shop.example/shop/payments:5.0.1'],
    });
    const rs = tree.body.nodes.find((n: any) => n.kind === 'ReplicaSet');
    expect(rs.parentRefs[0]).toMatchObject({
      kind: 'Rollout',
      name: 'payments',
    });
    expect(
      tree.body.nodes.filter((n: any) => n.kind === 'Service'),
    ).toHaveLength(2);
    const filtered = await h.call(
      'GET',
      '/api/v1/applications/cart-dev/resource-tree?kind=Deployment',
    );
    expect(filtered.body.nodes.map((n: any) => n.kind)).toEqual(['Deployment']);
  });

  it('syncs a production app only when asked, and refuses what Argo CD refuses', async () => {
    const sha = await setOverlayTag(h, 'storefront', 'production', '2.8.0');
    const outOfSync = await h.call(
      'GET',
      '/api/v1/applications/storefront-production?refresh=normal',
    );
    expect(outOfSync.body.status.sync).toMatchObject({
      status: 'OutOfSync',
      revision: sha,
    });
    expect(outOfSync.body.operation).toBeUndefined();

    const synced = await h.call(
      'POST',
      '/api/v1/applications/storefront-production/sync',
      {
        prune: true,
        infos: [{ name: 'shipdeck-deployment', value: 'd-42' }],
      },
    );
    expect(synced.status).toBe(200);
    expect(synced.body.operation).toEqual({
      sync: {
        revision: sha,
        prune: true,
        syncOptions: ['CreateNamespace=true'],
      },
      initiatedBy: { username: 'shipdeck' },
      info: [{ name: 'shipdeck-deployment', value: 'd-42' }],
    });
    expect(synced.body.status.operationState).toBeUndefined();

    const busy = await h.call(
      'POST',
      '/api/v1/applications/storefront-production/sync',
      {},
    );
    expect(busy.status).toBe(400);
    expect(busy.body).toMatchObject({
      code: 9,
      message: 'another operation is already in progress',
    });

    const done = await waitFor(async () => {
      const app = (
        await h.call('GET', '/api/v1/applications/storefront-production')
      ).body;
      return app.status.operationState?.phase === 'Succeeded' && app;
    });
    expect(done.operation).toBeUndefined();
    expect(done.status.operationState.operation.info).toEqual([
      { name: 'shipdeck-deployment', value: 'd-42' },
    ]);
    expect(done.status.operationState.syncResult.revision).toBe(sha);
    expect(done.status.operationState.syncResult.resources).toContainEqual({
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
      namespace: 'shop-production',
      name: 'storefront',
      status: 'Synced',
      message: 'deployment.apps/storefront configured',
      syncPhase: 'Sync',
      images: ['registry.shop.example/shop/storefront:2.8.0'],
    });
    expect(done.status.history).toEqual([
      expect.objectContaining({
        id: 0,
        revision: sha,
        initiatedBy: { username: 'shipdeck' },
      }),
    ]);
    const healthy = await waitFor(async () => {
      const app = (
        await h.call('GET', '/api/v1/applications/storefront-production')
      ).body;
      return (
        app.status.health.status === 'Healthy' &&
        app.status.sync.status === 'Synced' &&
        app
      );
    });
    expect(healthy.status.summary.images).toEqual([
      'registry.shop.example/shop/storefront:2.8.0',
    ]);

    // Auto-synced apps refuse any other revision than targetRevision (unless dry run).
    const pinned = await h.call('POST', '/api/v1/applications/cart-dev/sync', {
      revision: sha,
    });
    expect(pinned.status).toBe(400);
    expect(pinned.body).toMatchObject({
      code: 9,
      message: `Cannot sync to ${sha}: auto-sync currently set to main`,
    });
    const dryRun = await h.call('POST', '/api/v1/applications/cart-dev/sync', {
      revision: sha,
      dryRun: true,
    });
    expect(dryRun.status).toBe(200);
    const dry = await waitFor(async () => {
      const app = (await h.call('GET', '/api/v1/applications/cart-dev')).body;
      return app.status.operationState?.phase === 'Succeeded' && app;
    });
    expect(dry.status.history ?? []).toHaveLength(0);
    expect(dry.status.operationState.syncResult.resources[0].message).toMatch(
      /\(dry run\)$/,
    );

    const events = await h.call(
      'GET',
      '/api/v1/applications/storefront-production/events',
    );
    expect(events.body.items.map((e: any) => [e.reason, e.message])).toEqual(
      expect.arrayContaining([
        ['OperationStarted', `shipdeck initiated sync to main (${sha})`],
        ['OperationCompleted', `Sync operation to ${sha} succeeded`],
        ['ResourceUpdated', 'Updated health status: Progressing -> Healthy'],
      ]),
    );
  });

  it('refuses rollback with auto-sync on; rolls a manual app back, leaving it OutOfSync', async () => {
    const refused = await h.call(
      'POST',
      '/api/v1/applications/cart-dev/rollback',
      { id: 0 },
    );
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      code: 9,
      message: 'rollback cannot be initiated when auto-sync is enabled',
    });

    const syncAndWait = async () => {
      await h.call('POST', '/api/v1/applications/cart-production/sync', {});
      return waitFor(async () => {
        const app = (
          await h.call('GET', '/api/v1/applications/cart-production')
        ).body;
        return (
          app.status.operationState?.phase === 'Succeeded' &&
          !app.operation &&
          app
        );
      });
    };
    const first = await setOverlayTag(h, 'cart', 'production', '1.12.1');
    await h.call('GET', '/api/v1/applications/cart-production?refresh=normal');
    const afterFirst = await syncAndWait();
    const firstId =
      afterFirst.status.history[afterFirst.status.history.length - 1].id;
    const second = await setOverlayTag(h, 'cart', 'production', '1.12.2');
    await h.call('GET', '/api/v1/applications/cart-production?refresh=normal');
    await syncAndWait();

    const unknown = await h.call(
      'POST',
      '/api/v1/applications/cart-production/rollback',
      { id: 99 },
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe(3);

    const rollback = await h.call(
      'POST',
      '/api/v1/applications/cart-production/rollback',
      {
        id: firstId,
        name: 'cart-production',
      },
    );
    expect(rollback.status).toBe(200);
    expect(rollback.body.operation.sync.revision).toBe(first);
    const rolledBack = await waitFor(async () => {
      const app = (
        await h.call(
          'GET',
          '/api/v1/applications/cart-production?refresh=normal',
        )
      ).body;
      return (
        app.status.operationState?.phase === 'Succeeded' &&
        app.status.operationState.syncResult.revision === first &&
        app.status.sync.status === 'OutOfSync' &&
        app
      );
    });
    expect(rolledBack.status.sync.revision).toBe(second);
    const history = rolledBack.status.history;
    expect(history[history.length - 1].revision).toBe(first);
    expect(history.map((e: any) => e.id)).toEqual(
      [...history.map((e: any) => e.id)].sort((a, b) => a - b),
    );
    await waitFor(async () => {
      const app = (await h.call('GET', '/api/v1/applications/cart-production'))
        .body;
      return (
        app.status.summary.images.join() ===
        'registry.shop.example/shop/cart:1.12.1'
      );
    });
  });

  it('terminates a running operation', async () => {
    const sha = await setOverlayTag(h, 'orders', 'production', '3.3.0');
    await h.call(
      'GET',
      '/api/v1/applications/orders-production?refresh=normal',
    );
    const none = await h.call(
      'DELETE',
      '/api/v1/applications/orders-production/operation',
    );
    expect(none.status).toBe(400);
    expect(none.body).toMatchObject({
      code: 3,
      message: 'Unable to terminate operation. No operation is in progress',
    });
    await h.call('POST', '/api/v1/applications/orders-production/sync', {});
    await waitFor(async () => {
      const app = (
        await h.call('GET', '/api/v1/applications/orders-production')
      ).body;
      return app.status.operationState?.message?.startsWith(
        'waiting for completion of hook',
      );
    });
    const terminated = await h.call(
      'DELETE',
      '/api/v1/applications/orders-production/operation',
    );
    expect(terminated.status).toBe(200);
    expect(terminated.body).toEqual({});
    const terminating = (
      await h.call('GET', '/api/v1/applications/orders-production')
    ).body;
    expect(terminating.status.operationState.phase).toBe('Terminating');
    const failed = await waitFor(async () => {
      const app = (
        await h.call('GET', '/api/v1/applications/orders-production')
      ).body;
      return app.status.operationState.phase === 'Failed' && app;
    });
    expect(failed.status.operationState.message).toBe('Operation terminated');
    expect(failed.operation).toBeUndefined();
    expect(failed.status.operationState.syncResult.revision).toBe(sha);
    expect(failed.status.history ?? []).toHaveLength(0);
    expect(failed.status.summary.images).toEqual([
      'registry.shop.example/shop/orders:3.1.0',
    ]);
  });

  it('streams ADDED for every match, then MODIFIED, as SSE with keep-alives', async () => {
    const stream = openStream(
      `${h.url}/api/v1/stream/applications?selector=app.kubernetes.io/name=worker`,
      {
        accept: 'text/event-stream',
      },
    );
    expect(await stream.status).toBe(200);
    expect(await stream.contentType).toMatch(/^text\/event-stream/);
    await waitFor(() => sseMessages(stream.text()).length >= 3);
    await h.call('POST', '/api/v1/applications/worker-staging/sync', {
      dryRun: true,
    });
    await waitFor(
      () =>
        sseMessages(stream.text()).some(
          m => m.result.type === 'MODIFIED' && m.result.application.operation,
        ),
      15000,
      'a MODIFIED message with the operation',
    );
    await waitFor(
      () => stream.text().includes('\n:\n'),
      5000,
      'a keep-alive comment',
    );
    stream.close();
    const text = stream.text();
    // Each message: `data: <json> ` then a blank line.
    expect(text).toMatch(
      /^data: \{"result":\{"type":"ADDED","application":\{.*\}\}\} \n\n/,
    );
    const messages = sseMessages(text);
    messages.forEach(expectValidStreamMessage);
    expect(
      messages
        .slice(0, 3)
        .map(m => [m.result.type, m.result.application.metadata.name]),
    ).toEqual([
      ['ADDED', 'worker-dev'],
      ['ADDED', 'worker-production'],
      ['ADDED', 'worker-staging'],
    ]);
    expect(messages.slice(3).every(m => m.result.type === 'MODIFIED')).toBe(
      true,
    );
    expect(
      messages.every(
        m =>
          m.result.application.metadata.labels['app.kubernetes.io/name'] ===
          'worker',
      ),
    ).toBe(true);
  });

  it('streams newline-delimited JSON without the SSE header, and projects fields', async () => {
    const stream = openStream(
      `${h.url}/api/v1/stream/applications?name=cart-dev&fields=result.type,result.application.metadata.name,result.application.status.sync.status`,
      {},
    );
    await waitFor(() => stream.text().includes('\n'));
    stream.close();
    const first = JSON.parse(stream.text().split('\n')[0]);
    expect(first).toEqual({
      result: {
        type: 'ADDED',
        application: {
          metadata: { name: 'cart-dev' },
          status: { sync: { status: 'Synced' } },
        },
      },
    });
  });

  it('injects faults: latency, random errors, and a down instance', async () => {
    const control = (method: string, body?: unknown) =>
      fetch(`${h.url}/emulator/faults`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
      });
    await control('POST', { latencyMs: 400 });
    const started = Date.now();
    expect((await h.call('GET', '/api/v1/session/userinfo')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);

    await control('POST', {
      latencyMs: 0,
      errorRate: 1,
      errorStatus: 502,
      seed: 7,
    });
    const failing = await h.call('GET', '/api/v1/applications');
    expect(failing.status).toBe(502);
    expect(failing.body.code).toBe(14);

    await control('POST', { errorRate: 0, down: true });
    await expect(
      fetch(`${h.url}/api/v1/applications`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      }),
    ).rejects.toThrow();
    await control('POST', { down: '503' });
    const unavailable = await fetch(`${h.url}/api/v1/applications`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(unavailable.status).toBe(503);
    // The control API and health check stay up.
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);

    await control('DELETE');
    expect((await h.call('GET', '/api/v1/applications')).status).toBe(200);
    const state = await (await fetch(`${h.url}/emulator/state`)).json();
    expect(state.applications).toHaveLength(18);
    const reconciled = await (
      await fetch(`${h.url}/emulator/reconcile`, { method: 'POST' })
    ).json();
    expect(reconciled.applications).toBe(18);
  });

  it('closes open streams when the instance goes down', async () => {
    const stream = openStream(
      `${h.url}/api/v1/stream/applications?name=cart-dev`,
      { accept: 'text/event-stream' },
    );
    await waitFor(() => stream.text().length > 0);
    h.emulator.setFaults({ down: true });
    await stream.ended;
    expect(stream.text()).toContain('"type":"ADDED"');
    h.emulator.clearFaults();
  });
});

describe('refresh', () => {
  let h: Harness;
  beforeAll(async () => {
    // Polling is slow here, so only the refresh can notice the commit.
    h = await startHarness({ timings: { pollIntervalMs: 60_000 } });
  });
  afterAll(() => h.close());

  it('blocks until the app is reconciled after the request', async () => {
    const sha = await setOverlayTag(h, 'cart', 'staging', '1.12.7');
    const plain = await h.call('GET', '/api/v1/applications/cart-staging');
    expect(plain.body.status.sync.revision).toBe(h.seedSha);
    const before = new Date(Math.floor(Date.now() / 1000) * 1000)
      .toISOString()
      .replace('.000Z', 'Z');
    const refreshed = await h.call(
      'GET',
      '/api/v1/applications/cart-staging?refresh=normal',
    );
    expect(refreshed.body.status.sync.revision).toBe(sha);
    expect(refreshed.body.status.reconciledAt >= before).toBe(true);
    // Auto-sync started on that reconcile.
    expect(
      refreshed.body.operation?.sync?.revision ??
        refreshed.body.status.operationState?.operation.sync.revision,
    ).toBe(sha);
    const hard = await h.call(
      'GET',
      '/api/v1/applications/cart-staging?refresh=hard',
    );
    expect(hard.status).toBe(200);
  });
});
