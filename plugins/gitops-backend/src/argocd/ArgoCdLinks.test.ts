import { ConfigReader } from '@backstage/config';
import { ArgoCdLinks } from './ArgoCdLinks';

describe('ArgoCdLinks', () => {
  const links = ArgoCdLinks.fromConfig(
    new ConfigReader({
      gitops: {
        argocd: {
          instances: [
            { name: 'main', url: 'https://argocd.acme.example/' },
            {
              name: 'prod',
              url: 'https://argocd-api.internal:8443',
              webUrl: 'https://argocd.prod.acme.example/ui/',
            },
          ],
        },
      },
    }),
  );

  it('links an Application of the control-plane namespace by name', () => {
    expect(links.applicationUrl({ instance: 'main', name: 'cart-dev' })).toBe(
      'https://argocd.acme.example/applications/cart-dev',
    );
    expect(
      links.applicationUrl({
        instance: 'main',
        name: 'cart-dev',
        namespace: 'argocd',
      }),
    ).toBe('https://argocd.acme.example/applications/cart-dev');
  });

  it('links an Application of another namespace (argocd/app-namespace) by namespace and name', () => {
    expect(
      links.applicationUrl({
        instance: 'prod',
        name: 'orders prod',
        namespace: 'team-orders',
      }),
    ).toBe(
      'https://argocd.prod.acme.example/ui/applications/team-orders/orders%20prod',
    );
  });

  it('has no link for an instance that is not configured', () => {
    expect(
      links.applicationUrl({ instance: 'nope', name: 'cart-dev' }),
    ).toBeUndefined();
  });
});
