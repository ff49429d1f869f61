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
});
