import { act, screen, within } from '@testing-library/react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { SignalApi, signalApiRef } from '@backstage/plugin-signals-react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  GitopsApi,
  EntityEnvironmentsResponse,
  GITOPS_SIGNAL_CHANNEL,
} from '@shipdeck/plugin-gitops-common';
import { entity, environments } from '../../__testUtils__/fixtures';
import { gitopsApiRef } from '../../api';
import { mockGitopsApi } from '../../__testUtils__/mockGitopsApi';
import { EntityGitopsCard, EntityGitopsContent } from '../../plugin';

function api(
  getEntityEnvironments: GitopsApi['getEntityEnvironments'],
): GitopsApi {
  return mockGitopsApi({
    getEntityEnvironments,
    getTimeline: async () => ({ events: [] }),
    getMetrics: async () => ({
      from: '2026-10-24T00:00:00.000Z',
      to: '2026-11-23T00:00:00.000Z',
      days: 30,
      environments: [],
    }),
  });
}

async function render(
  element: JSX.Element,
  gitopsApi: GitopsApi,
  signalApi?: SignalApi,
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [gitopsApiRef, gitopsApi],
        [permissionApiRef, mockApis.permission()],
        ...(signalApi ? [[signalApiRef, signalApi] as const] : []),
      ]}
    >
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

describe('A failed sync on the pipeline', () => {
  it('shows which hook failed it and why, not the hooks that passed', async () => {
    const failed: EntityEnvironmentsResponse = {
      ...environments,
      environments: environments.environments.map((e, i) =>
        i === 0
          ? {
              ...e,
              status: {
                sync: 'OutOfSync' as const,
                health: 'Healthy' as const,
                images: [],
                operation: {
                  phase: 'Failed',
                  message:
                    'one or more synchronization tasks completed unsuccessfully',
                  hooks: [
                    {
                      hookType: 'PreSync',
                      kind: 'Job',
                      name: 'cart-db-migrate',
                      phase: 'Failed',
                      message: 'Job has reached the specified backoff limit',
                    },
                    {
                      hookType: 'PreSync',
                      kind: 'Job',
                      name: 'cart-cache-warm',
                      phase: 'Succeeded',
                    },
                  ],
                },
                observedAt: new Date().toISOString(),
                stale: false,
              },
            }
          : e,
      ),
    };
    await render(
      <EntityGitopsContent />,
      api(async () => failed),
    );
    const [dev] = await screen.findAllByRole('region', {
      name: /^Environment /,
    });
    expect(
      within(dev).getByText(
        'Sync failed: one or more synchronization tasks completed unsuccessfully',
      ),
    ).toBeInTheDocument();
    const hooks = within(dev).getByRole('list', { name: 'Hooks' });
    expect(within(hooks).getAllByRole('listitem')).toHaveLength(1);
    expect(
      within(hooks).getByText(
        'PreSync hook Job cart-db-migrate: Failed – Job has reached the specified backoff limit',
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
      'dev — not seen in Argo CDdirect commit; no deployment recorded yet',
      'staging — not seen in Argo CD1.0.0 → 1.1.0 by alice, 3 hours ago',
      'production — not seen in Argo CDpull request; no deployment recorded yet',
    ]);
  });

  it('shows the version and health per line, stale ones with their age', async () => {
    const digest = `sha256:${'ab12'.repeat(16)}`;
    await render(
      <EntityGitopsCard />,
      api(async () => ({
        ...environments,
        environments: environments.environments.map((e, i) => ({
          ...e,
          status: {
            sync: i === 1 ? ('OutOfSync' as const) : ('Synced' as const),
            health: i === 2 ? ('Degraded' as const) : ('Healthy' as const),
            images: [],
            version: i === 0 ? digest : '1.1.0',
            observedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
            stale: i === 2,
          },
        })),
      })),
    );
    const items = within(
      await screen.findByRole('list', { name: 'Environments' }),
    ).getAllByRole('listitem');
    expect(items[0]).toHaveTextContent(`dev sha256:ab12ab12ab12 Healthy`);
    expect(within(items[0]).getByTitle(digest)).toBeInTheDocument();
    expect(items[1]).toHaveTextContent('staging 1.1.0 Healthy, out of sync');
    expect(items[2]).toHaveTextContent(
      'production 1.1.0 Degraded (as of 5 minutes ago)',
    );
    expect(
      screen.getByRole('link', { name: /Open the Deployments tab/ }),
    ).toHaveAttribute('href', expect.stringMatching(/deployments$/));
  });

  it('is live like the tab: a signal about the entity shows the new deployment, without a spinner in between', async () => {
    const listeners: Array<(message: any) => void> = [];
    const signalApi: SignalApi = {
      subscribe: (channel, onMessage) => {
        expect(channel).toBe(GITOPS_SIGNAL_CHANNEL);
        listeners.push(onMessage as (message: any) => void);
        return { unsubscribe: () => {} };
      },
    };
    let answer = environments;
    await render(
      <EntityGitopsCard />,
      api(async () => answer),
      signalApi,
    );
    const list = await screen.findByRole('list', { name: 'Environments' });
    expect(list).toHaveTextContent('dev — not seen in Argo CDdirect commit');
    const staging = environments.environments[1];
    answer = {
      ...environments,
      environments: environments.environments.map((e, i) =>
        i === 0 ? { ...e, lastDeployment: staging.lastDeployment } : e,
      ),
    };
    act(() =>
      listeners.forEach(l => l({ entityRef: stringifyEntityRef(entity) })),
    );
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();
    expect(
      await within(list).findByText(/^1\.0\.0 → 1\.1\.0 by alice/, {
        selector: 'p',
      }),
    ).toBeInTheDocument();
    expect(within(list).getAllByText(/1\.0\.0 → 1\.1\.0 by alice/)).toHaveLength(
      2,
    );
  });

  it('says what failed, and what to add when the entity is not set up', async () => {
    await render(
      <EntityGitopsCard />,
      api(async () => {
        throw new Error('gitops backend unreachable');
      }),
    );
    expect(
      (await screen.findAllByText(/gitops backend unreachable/))[0],
    ).toBeInTheDocument();
  });
});
