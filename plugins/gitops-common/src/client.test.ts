import { GitopsClient } from './client';
import { entityPath } from './entityRefs';
import { hasGitopsAnnotations } from './annotations';

describe('entityPath', () => {
  it('encodes each part and lower-cases the kind', () => {
    expect(entityPath('Component:default/cart')).toBe(
      '/entities/default/component/cart',
    );
    expect(
      entityPath({ kind: 'Component', namespace: 'team a', name: 'x/y' }),
    ).toBe('/entities/team%20a/component/x%2Fy');
  });
});

describe('hasGitopsAnnotations', () => {
  it('recognises Shipdeck and existing Argo CD plugin annotations', () => {
    expect(hasGitopsAnnotations({ metadata: {} })).toBe(false);
    expect(
      hasGitopsAnnotations({
        metadata: { annotations: { 'backstage.io/x': 'y' } },
      }),
    ).toBe(false);
    expect(
      hasGitopsAnnotations({
        metadata: { annotations: { 'argocd/app-selector': 'a=b' } },
      }),
    ).toBe(true);
    expect(
      hasGitopsAnnotations({
        metadata: { annotations: { 'shipdeck.io/image': 'x' } },
      }),
    ).toBe(true);
  });
});

describe('GitopsClient', () => {
  const discoveryApi = {
    getBaseUrl: async (id: string) => `http://backstage.test/api/${id}`,
  };

  it('calls the entity route through the given fetch and returns the body', async () => {
    const calls: string[] = [];
    const client = new GitopsClient({
      discoveryApi,
      fetchApi: {
        fetch: (async (url: string) => {
          calls.push(url);
          return new Response(
            JSON.stringify({
              entityRef: 'component:default/cart',
              environments: [],
            }),
            {
              status: 200,
              headers: { 'content-type': 'application/json' },
            },
          );
        }) as typeof fetch,
      },
    });
    await expect(
      client.getEntityEnvironments('component:default/cart'),
    ).resolves.toMatchObject({
      entityRef: 'component:default/cart',
    });
    expect(calls).toEqual([
      'http://backstage.test/api/gitops/entities/default/component/cart/environments',
    ]);
  });

  it('turns an error response into a ResponseError carrying the server message', async () => {
    const client = new GitopsClient({
      discoveryApi,
      fetchApi: {
        fetch: (async () =>
          new Response(
            JSON.stringify({
              error: {
                name: 'NotFoundError',
                message: 'No entity component:default/nope in the catalog',
              },
              request: { method: 'GET', url: '/x' },
              response: { statusCode: 404 },
            }),
            {
              status: 404,
              statusText: 'Not Found',
              headers: { 'content-type': 'application/json' },
            },
          )) as typeof fetch,
      },
    });
    await expect(client.getConfiguredEnvironments()).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 404,
      body: {
        error: { message: 'No entity component:default/nope in the catalog' },
      },
    });
  });

  function recordingClient() {
    const calls: Array<{ url: string; init?: RequestInit }> = [];
    const client = new GitopsClient({
      discoveryApi,
      fetchApi: {
        fetch: (async (url: string, init?: RequestInit) => {
          calls.push({ url, init });
          return new Response('{}', {
            status: 202,
            headers: { 'content-type': 'application/json' },
          });
        }) as typeof fetch,
      },
    });
    return { client, calls };
  }

  it('posts each kind of deployment to its route, with the idempotency key', async () => {
    const { client, calls } = recordingClient();
    await client.requestDeployment(
      'component:default/cart',
      { type: 'deploy', environment: 'dev', version: '1.2.3' },
      { idempotencyKey: 'k-1' },
    );
    await client.requestDeployment('component:default/cart', {
      type: 'promote',
      from: 'dev',
      to: 'staging',
    });
    await client.previewDeployment('component:default/cart', {
      type: 'rollback',
      environment: 'dev',
      to: '1.0.0',
    });
    expect(calls.map(c => [c.url, c.init?.method, c.init?.body])).toEqual([
      [
        'http://backstage.test/api/gitops/entities/default/component/cart/deployments',
        'POST',
        '{"environment":"dev","version":"1.2.3"}',
      ],
      [
        'http://backstage.test/api/gitops/entities/default/component/cart/promotions',
        'POST',
        '{"from":"dev","to":"staging"}',
      ],
      [
        'http://backstage.test/api/gitops/entities/default/component/cart/rollbacks',
        'POST',
        '{"environment":"dev","to":"1.0.0","dryRun":true}',
      ],
    ]);
    expect(calls[0].init?.headers).toMatchObject({ 'Idempotency-Key': 'k-1' });
    expect(calls[1].init?.headers).not.toHaveProperty('Idempotency-Key');
  });

  it('builds query strings only from the filters given', async () => {
    const { client, calls } = recordingClient();
    await client.getTimeline(
      { kind: 'Component', namespace: 'default', name: 'cart' },
      { environment: 'dev', types: ['deployment', 'health'], limit: 20 },
    );
    await client.getOverview({ status: 'problems', owner: '' });
    await client.getMetrics({
      entity: { kind: 'Component', namespace: 'default', name: 'cart' },
      days: 30,
    });
    await client.getDeployment('a/b');
    await client.mergePullRequest('local:demo', 3);
    expect(calls.map(c => c.url)).toEqual([
      'http://backstage.test/api/gitops/entities/default/component/cart/timeline?environment=dev&types=deployment%2Chealth&limit=20',
      'http://backstage.test/api/gitops/overview?status=problems',
      'http://backstage.test/api/gitops/metrics?entity=component%3Adefault%2Fcart&days=30',
      'http://backstage.test/api/gitops/deployments/a%2Fb',
      'http://backstage.test/api/gitops/repositories/local%3Ademo/pulls/3/merge',
    ]);
  });
});
