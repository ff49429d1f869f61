import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  EntityEnvironmentsResponse,
  GitopsApi,
  OverviewRow,
} from '@shipdeck/plugin-gitops-common';
import { entity, environments } from '../__testUtils__/fixtures';
import { mockGitopsApi } from '../__testUtils__/mockGitopsApi';
import { gitopsApiRef } from '../api';
import { DeploymentsContent } from './entity/DeploymentsContent';
import { OverviewCell } from './overview/OverviewCell';

const status = (version: string, sync: 'Synced' | 'OutOfSync' = 'Synced') => ({
  sync,
  health: 'Healthy' as const,
  images: [],
  version,
  observedAt: new Date().toISOString(),
  stale: false,
});

/** production two deployments behind staging, dev drifted. */
const lagging: EntityEnvironmentsResponse = {
  ...environments,
  environments: environments.environments.map(e => {
    if (e.environment.name === 'dev') {
      return { ...e, status: status('1.3.0', 'OutOfSync'), drifted: true };
    }
    if (e.environment.name === 'staging') {
      return { ...e, status: status('1.3.0') };
    }
    return {
      ...e,
      status: status('1.1.0'),
      lag: { source: 'staging', sourceVersion: '1.3.0', behind: 2 },
    };
  }),
};

function apis(
  gitopsApi: GitopsApi,
  permission = mockApis.permission(),
): Parameters<typeof TestApiProvider>[0]['apis'] {
  return [
    [gitopsApiRef, gitopsApi],
    [permissionApiRef, permission],
  ];
}

describe('lag and drift on the Deployments tab', () => {
  it('says how far behind an environment is, flags drift, and makes Promote the first thing to do', async () => {
    const gitopsApi = mockGitopsApi({
      getEntityEnvironments: async () => lagging,
      getTimeline: async () => ({ events: [] }),
      getMetrics: async () => ({
        from: '2026-10-24T00:00:00.000Z',
        to: '2026-11-23T00:00:00.000Z',
        days: 30,
        environments: [],
      }),
    });
    await renderInTestApp(
      <TestApiProvider apis={apis(gitopsApi)}>
        <EntityProvider entity={entity}>
          <DeploymentsContent />
        </EntityProvider>
      </TestApiProvider>,
    );
    const production = within(
      await screen.findByRole('region', { name: 'Environment production' }),
    );
    const badges = within(
      production.getByRole('group', { name: 'Lag and drift' }),
    );
    expect(
      badges.getByText('2 deployments behind staging'),
    ).toBeInTheDocument();
    expect(badges.queryByText('drifted')).not.toBeInTheDocument();
    const promote = production.getByRole('button', {
      name: 'Promote from staging',
    });
    expect(promote).toBeEnabled();
    expect(promote.className).toMatch(/containedPrimary/);

    const dev = within(screen.getByRole('region', { name: 'Environment dev' }));
    expect(
      within(dev.getByRole('group', { name: 'Lag and drift' })).getByText(
        'drifted',
      ),
    ).toBeInTheDocument();
    const staging = within(
      screen.getByRole('region', { name: 'Environment staging' }),
    );
    expect(
      staging.queryByRole('group', { name: 'Lag and drift' }),
    ).not.toBeInTheDocument();
    expect(
      staging.getByRole('button', { name: 'Promote from dev' }).className,
    ).not.toMatch(/containedPrimary/);
  });
});

describe('lag on the Shipdeck page', () => {
  const row: OverviewRow = {
    entityRef: 'component:default/cart',
    title: 'cart',
    environment: 'production',
    order: 2,
    status: status('1.11.0'),
    lag: { source: 'staging', sourceVersion: '1.12.0' },
  };

  async function renderCell(
    permission = mockApis.permission(),
    cell: OverviewRow = row,
  ) {
    const calls: unknown[] = [];
    const gitopsApi = mockGitopsApi({
      previewDeployment: async (ref, request) => {
        calls.push([ref, request]);
        return {
          dryRun: true as const,
          unchanged: false,
          summary: 'cart 1.11.0 → 1.12.0 in production',
          mode: 'pull-request' as const,
          repository: 'local:demo',
          branch: 'main',
          changes: [],
        };
      },
    });
    await renderInTestApp(
      <TestApiProvider apis={apis(gitopsApi, permission)}>
        <table>
          <tbody>
            <tr>
              <OverviewCell
                row={cell}
                column={{
                  name: 'production',
                  order: 2,
                  pullRequest: true,
                  protected: true,
                }}
                deploymentsHref="/catalog/default/component/cart/deployments"
                now={Date.now()}
              />
            </tr>
          </tbody>
        </table>
      </TestApiProvider>,
    );
    return calls;
  }

  it('names what the source runs and offers the promote dialog to who may', async () => {
    const calls = await renderCell();
    expect(screen.getByText('staging runs 1.12.0')).toBeInTheDocument();
    const promote = await screen.findByRole('button', {
      name: 'Promote cart 1.12.0 from staging to production',
    });
    await userEvent.click(promote);
    expect(
      await screen.findByRole('dialog', {
        name: /Promote staging → production/,
      }),
    ).toBeInTheDocument();
    expect(calls).toEqual([
      [
        'component:default/cart',
        { type: 'promote', from: 'staging', to: 'production' },
      ],
    ]);
  });

  it('disables Promote, saying why, for who may not deploy to production', async () => {
    // Another service: usePermission caches answers per resource.
    await renderCell(mockApis.permission({ authorize: AuthorizeResult.DENY }), {
      ...row,
      entityRef: 'component:default/orders',
      title: 'orders',
    });
    await waitFor(() =>
      expect(
        screen.getByRole('button', {
          name: 'Promote orders 1.12.0 from staging to production',
        }),
      ).toBeDisabled(),
    );
  });
});
