import { Entity } from '@backstage/catalog-model';
import {
  EntityEnvironmentsResponse,
  Environment,
} from '@shipdeck/plugin-gitops-common';

/** The example service the component tests show. */
export const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'cart',
    namespace: 'default',
    annotations: { 'argocd/app-name': 'cart' },
  },
  spec: { type: 'service', owner: 'team-shop' },
};

/** Its three environments: dev, staging (deployed by alice), production (PR, protected). */
export const environments: EntityEnvironmentsResponse = {
  entityRef: 'component:default/cart',
  managed: true,
  observedAt: '2026-11-23T10:00:00.000Z',
  environments: ['dev', 'staging', 'production'].map((name, order) => ({
    environment: {
      name,
      title: name === 'production' ? 'Production' : name,
      order,
      pullRequest: name === 'production',
      protected: name === 'production',
      promotesFrom: order ? ['dev', 'staging'][order - 1] : undefined,
      argocdInstance: 'local',
      verifyImages: false,
    },
    manifest: {
      repo: 'local:demo',
      branch: 'main',
      path: `cart/overlays/${name}`,
      strategy: 'kustomize-images' as const,
    },
    argocd: {
      instance: 'local',
      name: `cart-${name}`,
      url: `http://argocd.test/applications/cart-${name}`,
    },
    ...(name === 'staging'
      ? {
          lastDeployment: {
            id: '1',
            entityRef: 'component:default/cart',
            environment: 'staging',
            action: 'promote' as const,
            actor: 'user:default/alice',
            fromVersion: '1.0.0',
            toVersion: '1.1.0',
            status: 'healthy' as const,
            createdAt: new Date(Date.now() - 3 * 3600_000).toISOString(),
            steps: [],
          },
        }
      : {}),
  })),
};

/** The same environments as `GET /environments` returns them, in promotion order. */
export const configuredEnvironments: Environment[] =
  environments.environments.map(e => e.environment);
