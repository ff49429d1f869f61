import { createServer } from 'node:net';
import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { HttpArgoCdClient, HttpArgoCdClientOptions } from './HttpArgoCdClient';
import {
  ArgoCdStandIn,
  argoApp,
  startArgoCdStandIn,
} from './__testUtils__/argoCdStandIn';

const SHA = 'b'.repeat(40);

describe('HttpArgoCdClient', () => {
  let argo: ArgoCdStandIn;

  beforeEach(async () => {
    argo = await startArgoCdStandIn({
      applications: [
        argoApp('cart-dev', { labels: { team: 'shop' } }),
        argoApp('cart-production', { automated: true, project: 'shop' }),
        argoApp('orders-dev', { namespace: 'team-orders', project: 'orders' }),
        {
          ...argoApp('legacy'),
          status: {
            history: [{ id: 3, revision: SHA }],
          },
        },
      ],
      resourceActions: {
        Rollout: [
          { name: 'resume', disabled: false },
          { name: 'abort', disabled: true, displayName: 'Abort' },
        ],
        Service: [],
      },
    });
  });

  afterEach(async () => {
    await argo.close();
  });

  const client = (options: HttpArgoCdClientOptions = {}) =>
    new HttpArgoCdClient(
      [
        { name: 'main', url: `${argo.url}/`, token: argo.token },
        {
          name: 'prod',
          url: argo.url,
          webUrl: 'https://argocd.acme.example/',
          token: argo.token,
        },
      ],
      { backoffMs: 10, ...options },
    );

  describe('configuration', () => {
    it('reads gitops.argocd.instances and names the configured ones for an unknown instance', async () => {
      const fromConfig = HttpArgoCdClient.fromConfig(
        new ConfigReader({
          gitops: {
            argocd: {
              instances: [
                { name: 'main', url: argo.url, token: argo.token },
                { name: 'eu', url: 'https://argocd-eu.acme.example' },
              ],
            },
          },
        }),
      );
      expect(fromConfig.instances()).toEqual(['main', 'eu']);
      await expect(
        fromConfig.getApplication({ instance: 'us', name: 'cart-dev' }),
      ).rejects.toThrow(
        new InputError(
          "Unknown Argo CD instance 'us'; configured: main, eu (gitops.argocd.instances)",
        ),
      );
      expect(
        await fromConfig.getApplication({ instance: 'main', name: 'cart-dev' }),
      ).toMatchObject({ metadata: { name: 'cart-dev' } });
    });

    it('rejects duplicate instance names and URLs without a scheme', () => {
      expect(
        () =>
          new HttpArgoCdClient([
            { name: 'a', url: 'http://x' },
            { name: 'a', url: 'http://y' },
          ]),
      ).toThrow("lists 'a' twice");
      expect(
        () => new HttpArgoCdClient([{ name: 'a', url: 'argocd.local' }]),
      ).toThrow('must start with http');
    });

    it('builds web UI links from webUrl or url, with the namespace for namespaced apps', () => {
      const c = client();
      expect(c.applicationUrl({ instance: 'main', name: 'cart-dev' })).toBe(
        `${argo.url}/applications/cart-dev`,
      );
      expect(
        c.applicationUrl({
          instance: 'prod',
          name: 'orders-dev',
          namespace: 'team-orders',
        }),
      ).toBe('https://argocd.acme.example/applications/team-orders/orders-dev');
      expect(c.applicationUrl({ instance: 'nope', name: 'x' })).toBeUndefined();
    });
  });

  describe('request shapes', () => {
    it('lists with selector, repeated projects, appNamespace and an items. projection, with the bearer token', async () => {
      const c = client();
      const result = await c.listApplications('main', {
        selector: 'team=shop',
        projects: ['default', 'shop'],
        appNamespace: 'argocd',
        fields: ['metadata.labels', 'status.health', 'status.sync.revision'],
      });
      const [request] = argo.requests;
      expect(request.method).toBe('GET');
      expect(request.path).toBe('/api/v1/applications');
      expect(request.authorization).toBe(`Bearer ${argo.token}`);
      expect(request.query.getAll('projects')).toEqual(['default', 'shop']);
      expect(request.query.get('selector')).toBe('team=shop');
      expect(request.query.get('appNamespace')).toBe('argocd');
      expect(request.query.get('fields')).toBe(
        'items.metadata.name,items.metadata.namespace,items.metadata.labels,items.status.health,items.status.sync.revision',
      );
      expect(result.resourceVersion).toBe('4711');
      expect(result.items).toEqual([
        {
          metadata: {
            name: 'cart-dev',
            namespace: 'argocd',
            labels: { team: 'shop' },
          },
          status: {
            health: { status: 'Healthy' },
            sync: { revision: 'a'.repeat(40) },
          },
        },
      ]);
    });

    it('passes exclusions through and turns a null item list into an empty one', async () => {
      const c = client();
      expect(
        await c.listApplications('main', { selector: 'team=nobody' }),
      ).toEqual({ items: [], resourceVersion: '4711' });
      await c.listApplications('main', {
        fields: ['-status.history', 'status.resources'],
      });
      expect(argo.requests[1].query.get('fields')).toBe(
        '-items.status.history,items.status.resources',
      );
      expect(argo.requests[0].search).toBe('selector=team%3Dnobody');
    });

    it('gets an app with appNamespace and project in the query, and refresh only when asked', async () => {
      const c = client();
      const ref = {
        instance: 'main',
        name: 'orders-dev',
        namespace: 'team-orders',
        project: 'orders',
      };
      await c.getApplication(ref);
      await c.getApplication(ref, { refresh: 'hard' });
      expect(
        argo.requests.map(r => `${r.method} ${r.path}?${r.search}`),
      ).toEqual([
        'GET /api/v1/applications/orders-dev?appNamespace=team-orders&project=orders',
        'GET /api/v1/applications/orders-dev?appNamespace=team-orders&project=orders&refresh=hard',
      ]);
    });

    it('syncs without a revision unless given, with appNamespace in the body', async () => {
      const c = client();
      const app = await c.sync(
        {
          instance: 'main',
          name: 'orders-dev',
          namespace: 'team-orders',
          project: 'orders',
        },
        {
          prune: true,
          infos: [{ name: 'shipdeck.io/deployment', value: 'd-1' }],
          resources: [{ kind: 'Deployment', name: 'orders', group: 'apps' }],
        },
      );
      expect(app.operation?.info).toEqual([
        { name: 'shipdeck.io/deployment', value: 'd-1' },
      ]);
      const [request] = argo.requests;
      expect(request.method).toBe('POST');
      expect(request.path).toBe('/api/v1/applications/orders-dev/sync');
      expect(request.search).toBe('');
      expect(request.body).toEqual({
        name: 'orders-dev',
        appNamespace: 'team-orders',
        project: 'orders',
        prune: true,
        resources: [{ group: 'apps', kind: 'Deployment', name: 'orders' }],
        infos: [{ name: 'shipdeck.io/deployment', value: 'd-1' }],
      });
      expect(request.body).not.toHaveProperty('revision');

      argo.apps[0].operation = undefined;
      await c.sync({ instance: 'main', name: 'cart-dev' }, { revision: SHA });
      expect(argo.requests[1].body).toEqual({
        name: 'cart-dev',
        revision: SHA,
      });
    });

    it('terminates with DELETE and the namespace in the query', async () => {
      const c = client();
      const ref = {
        instance: 'main',
        name: 'orders-dev',
        namespace: 'team-orders',
      };
      await c.sync(ref);
      await expect(c.terminateOperation(ref)).resolves.toBeUndefined();
      const request = argo.requests[1];
      expect(`${request.method} ${request.path}?${request.search}`).toBe(
        'DELETE /api/v1/applications/orders-dev/operation?appNamespace=team-orders',
      );
    });

    it('rolls back with the history id in the body', async () => {
      const c = client();
      await c.rollback(
        { instance: 'main', name: 'legacy' },
        { id: 3, prune: false },
      );
      expect(argo.requests[0].path).toBe(
        '/api/v1/applications/legacy/rollback',
      );
      expect(argo.requests[0].body).toEqual({
        name: 'legacy',
        id: 3,
        prune: false,
      });
    });

    it('lists and runs resource actions (v2) with the resource coordinates', async () => {
      const c = client();
      const ref = {
        instance: 'main',
        name: 'orders-dev',
        namespace: 'team-orders',
        project: 'orders',
      };
      const rollout = {
        group: 'argoproj.io',
        version: 'v1alpha1',
        kind: 'Rollout',
        namespace: 'orders',
        name: 'orders',
      };
      expect(await c.listResourceActions(ref, rollout)).toEqual([
        { name: 'resume', disabled: false },
        { name: 'abort', displayName: 'Abort', disabled: true },
      ]);
      await c.runResourceAction(ref, rollout, 'resume');
      const [list, run] = argo.requests;
      expect(list.path).toBe(
        '/api/v1/applications/orders-dev/resource/actions',
      );
      expect(Object.fromEntries(list.query)).toEqual({
        namespace: 'orders',
        resourceName: 'orders',
        group: 'argoproj.io',
        kind: 'Rollout',
        version: 'v1alpha1',
        appNamespace: 'team-orders',
        project: 'orders',
      });
      expect(run.path).toBe(
        '/api/v1/applications/orders-dev/resource/actions/v2',
      );
      expect(run.body).toEqual({
        name: 'orders-dev',
        appNamespace: 'team-orders',
        project: 'orders',
        namespace: 'orders',
        resourceName: 'orders',
        group: 'argoproj.io',
        kind: 'Rollout',
        version: 'v1alpha1',
        action: 'resume',
      });
    });

    it('keeps the empty core API group in the query', async () => {
      expect(
        await client().listResourceActions(
          { instance: 'main', name: 'cart-dev' },
          { group: '', version: 'v1', kind: 'Service', name: 'cart' },
        ),
      ).toEqual([]);
      expect(argo.requests[0].search).toBe(
        'resourceName=cart&group=&kind=Service&version=v1',
      );
    });

    it('counts calls per instance, retries included', async () => {
      const c = client();
      argo.fault({ status: 503, code: 14, message: 'unavailable' });
      await c.getApplication({ instance: 'main', name: 'cart-dev' });
      await c.listApplications('prod');
      expect(c.callCounts()).toEqual({ main: 2, prod: 1 });
    });
  });

  describe('error mapping', () => {
    it('maps a missing app with a project to NotFoundError', async () => {
      await expect(
        client().getApplication({
          instance: 'main',
          name: 'nope',
          project: 'shop',
        }),
      ).rejects.toThrow(
        new NotFoundError(
          "Argo CD instance 'main' has no application 'nope' in project 'shop'",
        ),
      );
    });

    it('says "not found or not permitted" for a 403 without a project', async () => {
      const error = await client()
        .getApplication({ instance: 'main', name: 'nope' })
        .catch(e => e);
      expect(error).toBeInstanceOf(NotAllowedError);
      expect(error.message).toMatch(
        /^Argo CD instance 'main': application 'nope' was not found or is not permitted/,
      );
    });

    it('maps PermissionDenied with a project to NotAllowedError, and a sync window to ConflictError', async () => {
      argo.fault({
        status: 403,
        code: 7,
        message: 'permission denied: applications, sync',
      });
      const denied = await client()
        .sync({ instance: 'main', name: 'cart-dev', project: 'default' })
        .catch(e => e);
      expect(denied).toBeInstanceOf(NotAllowedError);
      expect(denied.message).toBe(
        "Argo CD instance 'main' does not permit Shipdeck's token to sync application 'cart-dev': permission denied: applications, sync",
      );
      argo.fault({
        status: 403,
        code: 7,
        message: 'cannot sync: blocked by sync window',
      });
      const blocked = await client()
        .sync({ instance: 'main', name: 'cart-dev' })
        .catch(e => e);
      expect(blocked).toBeInstanceOf(ConflictError);
      expect(blocked.message).toMatch(/blocked by sync window/);
    });

    it("maps FailedPrecondition to ConflictError with Argo CD's message", async () => {
      const c = client();
      const prod = { instance: 'main', name: 'cart-production' };
      const autoSync = await c.sync(prod, { revision: SHA }).catch(e => e);
      expect(autoSync).toBeInstanceOf(ConflictError);
      expect(autoSync.message).toBe(
        `Argo CD instance 'main' refused to sync application 'cart-production': Cannot sync to ${SHA}: auto-sync currently set to main`,
      );
      await c.sync(prod);
      await expect(c.sync(prod)).rejects.toThrow(
        new ConflictError(
          "Argo CD instance 'main' refused to sync application 'cart-production': another operation is already in progress",
        ),
      );
      await expect(c.rollback(prod, { id: 1 })).rejects.toThrow(
        new ConflictError(
          "Argo CD instance 'main' refused to roll back application 'cart-production': rollback cannot be initiated when auto-sync is enabled",
        ),
      );
    });

    it('maps InvalidArgument to InputError', async () => {
      const c = client();
      await expect(
        c.terminateOperation({ instance: 'main', name: 'cart-dev' }),
      ).rejects.toThrow(
        new InputError(
          "Argo CD instance 'main' rejected the request to terminate the operation of application 'cart-dev': Unable to terminate operation. No operation is in progress",
        ),
      );
      await expect(
        c.rollback({ instance: 'main', name: 'legacy' }, { id: 99 }),
      ).rejects.toBeInstanceOf(InputError);
      expect(c.callCounts().main).toBe(2);
    });

    it('maps a missing resource to NotFoundError naming the resource', async () => {
      const error = await client()
        .listResourceActions(
          { instance: 'main', name: 'cart-dev' },
          { group: 'apps', version: 'v1', kind: 'StatefulSet', name: 'db' },
        )
        .catch(e => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error.message).toMatch(
        /^Argo CD instance 'main': application 'cart-dev' has no StatefulSet 'db'/,
      );
    });

    it('maps a rejected token to NotAllowedError', async () => {
      const c = new HttpArgoCdClient([
        { name: 'main', url: argo.url, token: 'stale' },
      ]);
      const error = await c.listApplications('main').catch(e => e);
      expect(error).toBeInstanceOf(NotAllowedError);
      expect(error.message).toBe(
        "Argo CD instance 'main' rejected the token (invalid session: token signature is invalid); check gitops.argocd.instances[].token",
      );
    });

    it('maps other server errors to ServiceUnavailableError without retrying them', async () => {
      argo.fault({
        status: 500,
        code: 2,
        message: 'rpc error: repository not accessible',
      });
      const error = await client()
        .getApplication({ instance: 'main', name: 'cart-dev' })
        .catch(e => e);
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect(error.message).toBe(
        "Argo CD instance 'main' failed to read application 'cart-dev': rpc error: repository not accessible (HTTP 500, code 2)",
      );
      expect(argo.requests).toHaveLength(1);
    });

    it('reports a body that is not JSON, e.g. a login page', async () => {
      argo.fault({ status: 200, rawBody: '<html>Sign in</html>' });
      await expect(client().listApplications('main')).rejects.toThrow(
        /answered GET \/api\/v1\/applications with 200 and a body that is not JSON \(<html>Sign in<\/html>\)/,
      );
    });
  });

  describe('retries', () => {
    it('retries 503 with growing backoff, then succeeds, logging each retry', async () => {
      const logger = mockServices.logger.mock();
      argo.fault({ status: 503, rawBody: 'Service Unavailable', times: 2 });
      const app = await client({ logger, backoffMs: 40 }).getApplication({
        instance: 'main',
        name: 'cart-dev',
      });
      expect(app.metadata.name).toBe('cart-dev');
      const times = argo.requests.map(r => r.at);
      expect(times).toHaveLength(3);
      // Backoff is half fixed, half jitter: at least 20 ms, then at least 40 ms.
      expect(times[1] - times[0]).toBeGreaterThanOrEqual(18);
      expect(times[2] - times[1]).toBeGreaterThanOrEqual(38);
      expect(logger.warn).toHaveBeenCalledTimes(2);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringMatching(
          /^Argo CD instance 'main': GET \/api\/v1\/applications\/cart-dev answered 503; retry 1 of 2 in \d+ ms$/,
        ),
      );
    });

    it('retries gRPC Unavailable and gives up after the configured retries', async () => {
      argo.fault({
        status: 503,
        code: 14,
        message: 'connection error',
        times: 5,
      });
      const c = client({ retries: 2 });
      const error = await c.listApplications('main').catch(e => e);
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect(error.message).toBe(
        "Argo CD instance 'main' is unreachable: GET /api/v1/applications answered 503: connection error (3 attempts)",
      );
      expect(c.callCounts().main).toBe(3);
    });

    it('does not retry 400', async () => {
      argo.fault({ status: 400, code: 3, message: 'bad selector' });
      const c = client();
      await expect(c.listApplications('main')).rejects.toBeInstanceOf(
        InputError,
      );
      expect(argo.requests).toHaveLength(1);
    });

    it('does not retry a POST that may have reached Argo CD', async () => {
      argo.fault({ status: 502, rawBody: 'Bad Gateway' });
      const c = client();
      const error = await c
        .sync({ instance: 'main', name: 'cart-dev' })
        .catch(e => e);
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect(error.message).toBe(
        "Argo CD instance 'main' is unreachable: POST /api/v1/applications/cart-dev/sync answered 502: Bad Gateway",
      );
      expect(argo.requests).toHaveLength(1);
    });

    it('turns a timeout into ServiceUnavailableError, and retries it for reads', async () => {
      argo.fault({ hang: true });
      const once = client({ timeoutMs: 100, retries: 0 });
      const error = await once
        .getApplication({ instance: 'main', name: 'cart-dev' })
        .catch(e => e);
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect(error.message).toBe(
        "Argo CD instance 'main' is unreachable: GET /api/v1/applications/cart-dev timed out after 100 ms",
      );

      argo.fault({ hang: true });
      const retrying = client({ timeoutMs: 100, retries: 1 });
      await expect(
        retrying.getApplication({ instance: 'main', name: 'cart-dev' }),
      ).resolves.toMatchObject({ metadata: { name: 'cart-dev' } });
      expect(retrying.callCounts().main).toBe(2);
    });

    it('gives a refresh its own, longer timeout and does not repeat it', async () => {
      argo.fault({ delayMs: 200 });
      const c = client({ timeoutMs: 50, refreshTimeoutMs: 1000 });
      await expect(
        c.getApplication(
          { instance: 'main', name: 'cart-dev' },
          { refresh: 'normal' },
        ),
      ).resolves.toMatchObject({ metadata: { name: 'cart-dev' } });
      expect(argo.requests[0].query.get('refresh')).toBe('normal');

      argo.fault({ hang: true });
      const slow = client({ refreshTimeoutMs: 100, retries: 2 });
      await expect(
        slow.getApplication(
          { instance: 'main', name: 'cart-dev' },
          { refresh: 'hard' },
        ),
      ).rejects.toThrow(
        new ServiceUnavailableError(
          "Argo CD instance 'main' did not finish refreshing application 'cart-dev' within 100 ms",
        ),
      );
      expect(slow.callCounts().main).toBe(1);
    });

    it('reports an unreachable port, and retries even a POST when the connection was refused', async () => {
      const port = await freePort();
      const c = new HttpArgoCdClient(
        [{ name: 'gone', url: `http://127.0.0.1:${port}`, token: 't' }],
        { backoffMs: 5 },
      );
      const error = await c
        .getApplication({ instance: 'gone', name: 'cart-dev' })
        .catch(e => e);
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect(error.message).toMatch(
        /^Argo CD instance 'gone' is unreachable: GET \/api\/v1\/applications\/cart-dev failed: .*ECONNREFUSED.* \(3 attempts\)$/,
      );
      await expect(
        c.sync({ instance: 'gone', name: 'cart-dev' }),
      ).rejects.toBeInstanceOf(ServiceUnavailableError);
      expect(c.callCounts().gone).toBe(6);
    });
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  await new Promise(r => server.close(r));
  return port;
}
