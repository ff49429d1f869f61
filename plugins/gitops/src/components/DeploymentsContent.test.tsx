import { screen, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { Entity } from '@backstage/catalog-model';
import {
  GitopsApi,
  EntityEnvironmentsResponse,
} from '@shipdeck/plugin-gitops-common';
import { gitopsApiRef } from '../api';
import { mockGitopsApi } from '../__testUtils__/mockGitopsApi';
import { EntityGitopsCard, EntityGitopsContent } from '../plugin';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'cart',
    namespace: 'default',
    annotations: { 'argocd/app-name': 'cart' },
  },
  spec: { type: 'service', owner: 'team-shop' },
};

const environments: EntityEnvironmentsResponse = {
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

function api(
  getEntityEnvironments: GitopsApi['getEntityEnvironments'],
): GitopsApi {
  return mockGitopsApi({ getEntityEnvironments });
}

async function render(element: JSX.Element, gitopsApi: GitopsApi) {
  return renderInTestApp(
    <TestApiProvider apis={[[gitopsApiRef, gitopsApi]]}>
      <EntityProvider entity={entity}>{element}</EntityProvider>
    </TestApiProvider>,
  );
}

describe('EntityGitopsContent (legacy export)', () => {
  it('shows the environments as a pipeline, in order, with how changes land', async () => {
    await render(
      <EntityGitopsContent />,
      api(async () => environments),
    );
    const stages = await screen.findAllByRole('region', {
      name: /^Environment /,
    });
    expect(stages.map(s => s.getAttribute('aria-label'))).toEqual([
      'Environment dev',
      'Environment staging',
      'Environment production',
    ]);
    const production = within(stages[2]);
    expect(production.getByText('pull request')).toBeInTheDocument();
    expect(production.getByText('protected')).toBeInTheDocument();
    expect(
      production.getByText('local:demo@main:cart/overlays/production'),
    ).toBeInTheDocument();
    expect(
      production.getByRole('link', { name: /cart-production/ }),
    ).toHaveAttribute(
      'href',
      'http://argocd.test/applications/cart-production',
    );
    expect(within(stages[0]).getByText('direct commit')).toBeInTheDocument();
    expect(
      within(stages[1]).getByText(/1\.0\.0 → 1\.1\.0 by alice, 3 hours ago/),
    ).toBeInTheDocument();
    expect(
      within(stages[0]).getByText('None recorded by Shipdeck yet'),
    ).toBeInTheDocument();
  });

  it('explains what to add when the entity is not set up', async () => {
    await render(
      <EntityGitopsContent />,
      api(async () => ({ ...environments, managed: false, environments: [] })),
    );
    expect(
      await screen.findByText('This entity is not deployed with Shipdeck yet'),
    ).toBeInTheDocument();
    expect(document.body.textContent).toContain(
      'shipdeck.io/manifest-repo: local:demo',
    );
  });

  it('shows what failed instead of a blank card', async () => {
    await render(
      <EntityGitopsContent />,
      api(async () => {
        throw new Error('gitops backend unreachable');
      }),
    );
    expect(
      (await screen.findAllByText(/gitops backend unreachable/))[0],
    ).toBeInTheDocument();
  });

  it('shows progress while loading', async () => {
    await render(
      <EntityGitopsContent />,
      api(() => new Promise(() => {})),
    );
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });
});

describe('Argo CD status on the pipeline', () => {
  it('shows version, health and sync, and warns when the data is stale', async () => {
    const withStatus: EntityEnvironmentsResponse = {
      ...environments,
      environments: environments.environments.map((e, i) => ({
        ...e,
        ...(i === 0
          ? {
              status: {
                sync: 'Synced' as const,
                health: 'Healthy' as const,
                revision: '3bbf550b3c230d117146b482f678c1ea45a27234',
                images: ['registry.shop.example/shop/cart:1.12.0'],
                version: '1.12.0',
                observedAt: new Date().toISOString(),
                stale: false,
              },
            }
          : {}),
        ...(i === 1
          ? {
              status: {
                sync: 'OutOfSync' as const,
                health: 'Suspended' as const,
                images: [],
                rollout: { name: 'payments', health: 'Suspended' },
                observedAt: new Date(Date.now() - 10 * 60_000).toISOString(),
                stale: true,
              },
            }
          : {}),
        ...(i === 2
          ? {
              statusError:
                'Argo CD instance local has no application cart-production',
            }
          : {}),
      })),
    };
    await render(
      <EntityGitopsContent />,
      api(async () => withStatus),
    );
    const stages = await screen.findAllByRole('region', {
      name: /^Environment /,
    });
    expect(within(stages[0]).getByText('1.12.0')).toBeInTheDocument();
    expect(within(stages[0]).getByText('Healthy')).toBeInTheDocument();
    expect(within(stages[0]).getByText(/at 3bbf550/)).toBeInTheDocument();
    expect(
      within(stages[1]).getByText(/waiting for promotion/),
    ).toBeInTheDocument();
    expect(
      within(stages[1]).getByText(/shown as of 10 minutes ago/),
    ).toBeInTheDocument();
    expect(
      within(stages[2]).getByText(
        'Argo CD instance local has no application cart-production',
      ),
    ).toBeInTheDocument();
  });
});

describe('EntityGitopsCard', () => {
  it('lists one line per environment', async () => {
    await render(
      <EntityGitopsCard />,
      api(async () => environments),
    );
    const list = await screen.findByRole('list', { name: 'Environments' });
    expect(
      within(list)
        .getAllByRole('listitem')
        .map(li => li.textContent),
    ).toEqual([
      'devdirect commit; no deployment recorded yet',
      'staging1.0.0 → 1.1.0 by alice',
      'productionpull request; no deployment recorded yet',
    ]);
  });
});
