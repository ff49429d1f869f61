import { screen, within } from '@testing-library/react';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { OverviewResponse } from '@shipdeck/plugin-gitops-common';
import { gitopsApiRef } from '../api';
import { mockGitopsApi } from '../__testUtils__/mockGitopsApi';
import gitopsPlugin, {
  deploymentsEntityCard,
  deploymentsEntityContent,
  overviewPage,
} from './index';

const overview: OverviewResponse = {
  observedAt: new Date().toISOString(),
  rows: [
    {
      entityRef: 'component:default/cart',
      title: 'cart',
      environment: 'production',
      order: 2,
      status: {
        sync: 'OutOfSync',
        health: 'Degraded',
        images: [],
        version: '1.4.2',
        observedAt: new Date().toISOString(),
        stale: false,
      },
    },
  ],
};

describe('gitops alpha plugin', () => {
  it('is the gitops plugin, with an overview card filtered by annotations', () => {
    expect(gitopsPlugin.id).toBe('gitops');
    expect(
      createExtensionTester(deploymentsEntityCard).get(
        EntityCardBlueprint.dataRefs.filterFunction,
      ),
    ).toBeInstanceOf(Function);
  });

  it('mounts the Deployments tab at /deployments, on components only', () => {
    const tester = createExtensionTester(deploymentsEntityContent);
    expect(tester.get(coreExtensionData.routePath)).toBe('/deployments');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe(
      'Deployments',
    );
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction);
    expect(
      filter?.({
        apiVersion: 'v1',
        kind: 'Component',
        metadata: { name: 'a' },
      }),
    ).toBe(true);
    expect(
      filter?.({ apiVersion: 'v1', kind: 'System', metadata: { name: 'a' } }),
    ).toBe(false);
  });

  it('mounts the on-call page at /gitops as the plugin root, titled Shipdeck', () => {
    const tester = createExtensionTester(overviewPage);
    expect(tester.get(coreExtensionData.routePath)).toBe('/gitops');
    expect(tester.get(coreExtensionData.title)).toBe('Shipdeck');
    expect(tester.get(coreExtensionData.icon)).toBeTruthy();
    const routeRef = tester.get(coreExtensionData.routeRef);
    expect(routeRef).toBeDefined();
    expect(routeRef).toBe(gitopsPlugin.routes.root);
  });

  it('renders the overview at /gitops under a Shipdeck header, and lists it in the nav', async () => {
    const getOverview = jest.fn(async () => overview);
    renderTestApp({
      features: [gitopsPlugin],
      initialRouteEntries: ['/gitops'],
      apis: [
        [
          gitopsApiRef,
          mockGitopsApi({
            getOverview,
            getConfiguredEnvironments: async () => [],
          }),
        ],
      ],
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name':
          convertLegacyRouteRef(entityRouteRef),
      },
    });

    const cell = await screen.findByRole(
      'link',
      { name: 'cart in production: 1.4.2, Degraded, Out of sync' },
      { timeout: 10_000 },
    );
    expect(cell).toHaveAttribute(
      'href',
      '/catalog/default/component/cart/deployments',
    );
    expect(getOverview).toHaveBeenCalledWith({});
    // The page layout renders the header, and the content adds none of its own.
    expect(
      screen.getByRole('heading', { level: 1, name: 'Shipdeck' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByText('What runs where, across every service'),
    ).not.toBeInTheDocument();
    const nav = screen.getByRole('navigation', { name: 'sidebar nav' });
    expect(within(nav).getByRole('link', { name: /Shipdeck/ })).toHaveAttribute(
      'href',
      '/gitops',
    );
  });
});
