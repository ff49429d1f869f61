import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useLocation } from 'react-router-dom';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  Environment,
  GitopsApi,
  OverviewResponse,
  OverviewRow,
} from '@shipdeck/plugin-gitops-common';
import { gitopsApiRef } from '../../api';
import { mockGitopsApi } from '../../__testUtils__/mockGitopsApi';
import { OverviewContent } from './OverviewContent';

const minutesAgo = (n: number) =>
  new Date(Date.now() - n * 60_000).toISOString();

const environments: Environment[] = ['dev', 'staging', 'production'].map(
  (name, order) => ({
    name,
    title: name === 'production' ? 'Production' : name,
    order,
    pullRequest: name === 'production',
    protected: name === 'production',
    argocdInstance: 'local',
    verifyImages: false,
  }),
);

function row(
  title: string,
  environment: string,
  extra: Partial<OverviewRow> = {},
): OverviewRow {
  return {
    entityRef: `component:default/${title}`,
    title,
    owner:
      title === 'web' ? 'group:default/team-web' : 'group:default/team-shop',
    system: 'shop',
    environment,
    order: ['dev', 'staging', 'production'].indexOf(environment),
    status: {
      sync: 'Synced',
      health: 'Healthy',
      images: [],
      version: '1.0.0',
      observedAt: minutesAgo(0),
      stale: false,
    },
    argocdUrl: `http://argocd.test/applications/${title}-${environment}`,
    ...extra,
  };
}

const healthy = (version: string) => ({
  sync: 'Synced' as const,
  health: 'Healthy' as const,
  images: [],
  version,
  observedAt: minutesAgo(0),
  stale: false,
});

// In the backend's order: problems first.
const rows: OverviewRow[] = [
  row('cart', 'production', {
    status: {
      ...healthy('1.4.2'),
      health: 'Degraded',
      healthMessage: 'Back-off restarting failed container',
      rollout: { name: 'cart', health: 'Suspended' },
    },
    lastDeployment: {
      id: 'd1',
      entityRef: 'component:default/cart',
      environment: 'production',
      action: 'promote',
      actor: 'user:default/alice',
      fromVersion: '1.4.1',
      toVersion: '1.4.2',
      status: 'degraded',
      pullRequestUrl: 'https://github.com/acme/deploy/pull/42',
      createdAt: minutesAgo(120),
      steps: [],
    },
  }),
  row('payments', 'staging', {
    status: undefined,
    statusError: 'Not seen in Argo CD instance local',
    argocdUrl: undefined,
  }),
  row('search', 'dev', {
    status: { ...healthy('2.0.0'), observedAt: minutesAgo(12), stale: true },
  }),
  row('cart', 'staging', {
    status: healthy(`sha256:abcdef0123456789${'0'.repeat(48)}`),
  }),
  row('cart', 'dev', { status: healthy('1.5.0') }),
  row('payments', 'dev', { status: healthy('3.1.0') }),
  row('web', 'dev', { status: healthy('0.9.0') }),
];

const overview: OverviewResponse = {
  rows,
  observedAt: new Date(Date.now() - 10_000).toISOString(),
};

function LocationProbe() {
  const location = useLocation();
  return <div data-testid="location-search">{location.search}</div>;
}

async function render(
  api: Partial<GitopsApi>,
  options: { url?: string; pollIntervalMs?: number } = {},
) {
  const gitopsApi = mockGitopsApi({
    getConfiguredEnvironments: async () => environments,
    ...api,
  });
  await renderInTestApp(
    <TestApiProvider apis={[[gitopsApiRef, gitopsApi]]}>
      <OverviewContent pollIntervalMs={options.pollIntervalMs ?? 60_000} />
      <LocationProbe />
    </TestApiProvider>,
    {
      routeEntries: [options.url ?? '/gitops'],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
  return gitopsApi;
}

const search = () => screen.getByTestId('location-search').textContent;

describe('OverviewContent', () => {
  it('shows progress while loading', async () => {
    await render({ getOverview: () => new Promise(() => {}) });
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('shows a matrix of services × configured environments with accessible, linked cells', async () => {
    const getOverview = jest.fn(async () => overview);
    await render({ getOverview });

    const table = await screen.findByRole('table', { name: /What runs where/ });
    expect(getOverview).toHaveBeenCalledWith({});

    // Columns: the configured environments, in promotion order.
    const headers = within(table).getAllByRole('columnheader');
    expect(headers.map(h => h.childNodes[0].textContent)).toEqual([
      'Service',
      'dev',
      'staging',
      'production',
    ]);
    expect(headers.every(h => h.getAttribute('scope') === 'col')).toBe(true);
    expect(within(headers[3]).getByTitle('protected')).toBeInTheDocument();

    // One row per service, the ones with problems first.
    const rowHeaders = within(table).getAllByRole('rowheader');
    expect(
      rowHeaders.map(h => within(h).getByRole('link').textContent),
    ).toEqual(['cart', 'payments', 'search', 'web']);
    expect(rowHeaders[0]).toHaveAttribute('scope', 'row');
    expect(rowHeaders[0]).toHaveTextContent('Owner: team-shop');
    expect(rowHeaders[0]).toHaveTextContent('System: shop');
    expect(within(rowHeaders[0]).getByRole('link')).toHaveAttribute(
      'href',
      '/catalog/default/component/cart',
    );

    // The degraded cell: version, health, sync, rollout, last deployment, links.
    const cartProd = screen.getByRole('link', {
      name: 'cart in production: 1.4.2, Degraded, Synced, rollout Suspended',
    });
    expect(cartProd).toHaveAttribute(
      'href',
      '/catalog/default/component/cart/deployments',
    );
    const cell = cartProd.closest('td')!;
    expect(cell).toHaveAttribute('data-severity', 'error');
    expect(within(cell).getByTestId('status-error')).toBeInTheDocument();
    expect(cell).toHaveTextContent('Back-off restarting failed container');
    expect(cell).toHaveTextContent(
      'Rollout: Suspended (waiting for promotion)',
    );
    expect(cell).toHaveTextContent(
      '1.4.1 → 1.4.2 by alice, 2 hours ago (degraded)',
    );
    expect(
      within(cell).getByRole('link', {
        name: 'PR #42 of cart 1.4.2 in production, Opens in a new window',
      }),
    ).toHaveAttribute('href', 'https://github.com/acme/deploy/pull/42');
    expect(
      within(cell).getByRole('link', {
        name: 'Argo CD: cart in production, Opens in a new window',
      }),
    ).toHaveAttribute(
      'href',
      'http://argocd.test/applications/cart-production',
    );

    // Digests are shortened, the full value stays in the title.
    const digest = screen.getByRole('link', {
      name: 'cart in staging: sha256:abcdef012345, Healthy, Synced',
    });
    expect(within(digest).getByText('sha256:abcdef012345')).toHaveAttribute(
      'title',
      expect.stringMatching(/^sha256:abcdef0123456789/),
    );
    expect(digest.closest('td')).toHaveAttribute('data-severity', 'ok');

    // No status: the reason, instead of a version.
    const payments = screen.getByRole('link', {
      name: 'payments in staging: no status, Not seen in Argo CD instance local',
    });
    expect(payments.closest('td')).toHaveTextContent(
      'Not seen in Argo CD instance local',
    );
    expect(
      within(payments.closest('td')!).queryByRole('link', { name: /Argo CD:/ }),
    ).not.toBeInTheDocument();

    // Stale: how old the data is.
    const stale = screen.getByRole('link', {
      name: 'search in dev: 2.0.0, Healthy, Synced, stale',
    });
    expect(stale.closest('td')).toHaveTextContent('Stale, observed 12 min ago');
    expect(stale.closest('td')).toHaveAttribute('data-severity', 'warning');

    // A service that does not run in an environment.
    expect(
      screen.getByText('web is not deployed in production'),
    ).toBeInTheDocument();

    // Summary: problems, targets, age of the data.
    expect(screen.getByTestId('overview-summary')).toHaveTextContent(
      /^3 problems across 7 targets in 4 services · observed 1\d s ago$/,
    );
  });

  it('keeps services with a problem first even when rows arrive unordered', async () => {
    await render({
      getOverview: async () => ({
        observedAt: overview.observedAt,
        rows: [
          row('web', 'dev'),
          row('api', 'dev'),
          row('cart', 'dev', {
            status: { ...healthy('1.0.0'), sync: 'OutOfSync' },
          }),
        ],
      }),
    });
    const rowHeaders = await screen.findAllByRole('rowheader');
    expect(
      rowHeaders.map(h => within(h).getByRole('link').textContent),
    ).toEqual(['cart', 'web', 'api']);
    expect(
      screen.getByRole('link', {
        name: 'cart in dev: 1.0.0, Healthy, Out of sync',
      }),
    ).toBeInTheDocument();
    expect(screen.getByTestId('overview-summary')).toHaveTextContent(
      /^1 problem across 3 targets in 3 services/,
    );
  });

  it('sends the filters to the server and keeps them in the URL', async () => {
    const getOverview = jest.fn(async () => overview);
    await render({ getOverview });
    await screen.findByRole('table');

    await userEvent.selectOptions(screen.getByLabelText('Status'), 'problems');
    await waitFor(() =>
      expect(getOverview).toHaveBeenLastCalledWith({ status: 'problems' }),
    );
    expect(search()).toBe('?status=problems');

    // Options come from the rows, shown without the default kind/namespace.
    const owner = screen.getByLabelText('Owner');
    expect(
      within(owner)
        .getAllByRole('option')
        .map(o => o.textContent),
    ).toEqual(['All owners', 'team-shop', 'team-web']);
    await userEvent.selectOptions(owner, 'team-web');
    await waitFor(() =>
      expect(getOverview).toHaveBeenLastCalledWith({
        status: 'problems',
        owner: 'group:default/team-web',
      }),
    );

    await userEvent.selectOptions(screen.getByLabelText('Changed'), '24');
    await waitFor(() =>
      expect(getOverview).toHaveBeenLastCalledWith({
        status: 'problems',
        owner: 'group:default/team-web',
        changedWithinHours: 24,
      }),
    );
    const params = new URLSearchParams(search()!);
    expect(params.get('owner')).toBe('group:default/team-web');
    expect(params.get('changedWithinHours')).toBe('24');

    await userEvent.selectOptions(
      screen.getByLabelText('Environment'),
      'staging',
    );
    await waitFor(() =>
      expect(getOverview).toHaveBeenLastCalledWith(
        expect.objectContaining({ environment: 'staging' }),
      ),
    );

    // Back to "all" removes the parameter.
    await userEvent.selectOptions(screen.getByLabelText('Status'), '');
    await waitFor(() =>
      expect(new URLSearchParams(search()!).has('status')).toBe(false),
    );
    expect(getOverview).toHaveBeenLastCalledWith({
      owner: 'group:default/team-web',
      changedWithinHours: 24,
      environment: 'staging',
    });
  });

  it('reads the filters of a shared link and shows only the filtered environment', async () => {
    const getOverview = jest.fn(async () => ({
      observedAt: overview.observedAt,
      rows: rows.filter(r => r.environment === 'staging'),
    }));
    await render(
      { getOverview },
      {
        url: '/gitops?environment=staging&system=shop&changedWithinHours=6&status=bogus',
      },
    );
    const table = await screen.findByRole('table');
    expect(getOverview).toHaveBeenCalledWith({
      environment: 'staging',
      system: 'shop',
      changedWithinHours: 6,
    });
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map(h => h.textContent),
    ).toEqual(['Service', 'staging']);
    expect(screen.getByLabelText('Changed')).toHaveValue('6');
    expect(screen.getByLabelText('System')).toHaveValue('shop');
  });

  it('explains how to annotate a service when none is managed', async () => {
    await render({ getOverview: async () => ({ ...overview, rows: [] }) });
    expect(
      await screen.findByText('No services are deployed with Shipdeck yet'),
    ).toBeInTheDocument();
    expect(document.body.textContent).toContain(
      'shipdeck.io/manifest-repo: local:demo',
    );
    expect(
      screen.queryByRole('button', { name: 'Clear filters' }),
    ).not.toBeInTheDocument();
  });

  it('offers to clear filters that match nothing', async () => {
    const getOverview = jest.fn(async (filter?: { system?: string }) =>
      filter?.system ? { ...overview, rows: [] } : overview,
    );
    await render({ getOverview }, { url: '/gitops?system=nope&tab=x' });
    expect(
      await screen.findByText('Nothing matches these filters'),
    ).toBeInTheDocument();
    const clear = screen.getAllByRole('button', { name: 'Clear filters' });
    await userEvent.click(clear[clear.length - 1]);
    expect(await screen.findByRole('table')).toBeInTheDocument();
    expect(getOverview).toHaveBeenLastCalledWith({});
    // Only the filters go; other parameters stay.
    expect(search()).toBe('?tab=x');
  });

  it('says so when there are no problems', async () => {
    await render(
      { getOverview: async () => ({ ...overview, rows: [] }) },
      { url: '/gitops?status=problems' },
    );
    expect(
      await screen.findByText(
        'No problems: every target is healthy, in sync and freshly observed',
      ),
    ).toBeInTheDocument();
  });

  it('says what failed, without a stack, and retries', async () => {
    const error = new Error('Request failed with 503 Service Unavailable');
    const getOverview = jest
      .fn<Promise<OverviewResponse>, []>()
      .mockRejectedValueOnce(error)
      .mockResolvedValue(overview);
    await render({ getOverview });

    expect(
      await screen.findByText(/Could not load the Shipdeck overview/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Request failed with 503 Service Unavailable/),
    ).toBeInTheDocument();
    expect(document.body.textContent).not.toContain(
      error.stack!.split('\n')[1].trim(),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('table')).toBeInTheDocument();
    expect(getOverview).toHaveBeenCalledTimes(2);
    expect(
      screen.queryByText(/Could not load the Shipdeck overview/),
    ).not.toBeInTheDocument();
  });

  it('polls, shows changes, and keeps the last answer when a refresh fails', async () => {
    const next = {
      ...overview,
      rows: [row('cart', 'dev', { status: healthy('1.5.1') })],
    };
    const getOverview = jest
      .fn<Promise<OverviewResponse>, []>()
      .mockResolvedValueOnce(overview)
      .mockRejectedValueOnce(new Error('gitops backend unreachable'))
      .mockResolvedValue(next);
    await render({ getOverview }, { pollIntervalMs: 200 });

    expect(
      await screen.findByRole('link', { name: /^cart in dev: 1\.5\.0/ }),
    ).toBeInTheDocument();
    expect(
      await screen.findByText(/Could not refresh; showing what was observed/),
    ).toBeInTheDocument();
    // The matrix stays while the refresh failed.
    expect(screen.getByRole('table')).toBeInTheDocument();
    expect(
      await screen.findByRole('link', { name: /^cart in dev: 1\.5\.1/ }),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Could not refresh/)).not.toBeInTheDocument();
  });
});
