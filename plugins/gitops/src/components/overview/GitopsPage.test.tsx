import { screen, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { gitopsApiRef } from '../../api';
import { mockGitopsApi } from '../../__testUtils__/mockGitopsApi';
import { GitopsPage } from '../../plugin';
import { Route, Routes } from 'react-router-dom';

describe('GitopsPage (legacy export)', () => {
  it('renders the Shipdeck header and the overview', async () => {
    const getOverview = jest.fn(async () => ({
      observedAt: new Date().toISOString(),
      rows: [
        {
          entityRef: 'component:default/cart',
          title: 'cart',
          owner: 'group:default/team-shop',
          environment: 'dev',
          order: 0,
          status: {
            sync: 'Synced' as const,
            health: 'Healthy' as const,
            images: [],
            version: '1.4.2',
            observedAt: new Date().toISOString(),
            stale: false,
          },
        },
      ],
    }));
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [
            gitopsApiRef,
            mockGitopsApi({
              getOverview,
              getConfiguredEnvironments: async () => [],
            }),
          ],
        ]}
      >
        <Routes>
          <Route path="/gitops" element={<GitopsPage />} />
        </Routes>
      </TestApiProvider>,
      {
        routeEntries: ['/gitops'],
        mountedRoutes: {
          '/catalog/:namespace/:kind/:name': entityRouteRef,
        },
      },
    );

    const header = await screen.findByRole('banner');
    expect(
      within(header).getByRole('heading', { level: 1, name: 'Shipdeck' }),
    ).toBeInTheDocument();
    expect(
      within(header).getByText('What runs where, across every service'),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('link', {
        name: 'cart in dev: 1.4.2, Healthy, Synced',
      }),
    ).toHaveAttribute('href', '/catalog/default/component/cart/deployments');
    expect(getOverview).toHaveBeenCalledWith({});
  });
});
