import { screen, within } from '@testing-library/react';
import { renderTestApp } from '@backstage/frontend-test-utils';
import {
  createFrontendPlugin,
  createRouteRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import gitopsPlugin from '@shipdeck/plugin-gitops/alpha';
import { navModule } from './index';

// Stand-in pages: one the sidebar places first, one it lists with the rest.
function stubPlugin(pluginId: string, path: string, title: string) {
  return createFrontendPlugin({
    pluginId,
    extensions: [
      PageBlueprint.make({
        params: {
          path,
          title,
          icon: <span />,
          routeRef: createRouteRef(),
          loader: async () => <div />,
        },
      }),
    ],
  });
}

describe('Sidebar', () => {
  it('lists Shipdeck right after the catalog, linking to /gitops', async () => {
    renderTestApp({
      features: [
        navModule,
        gitopsPlugin,
        stubPlugin('catalog', '/catalog', 'Catalog'),
        stubPlugin('aardvark', '/aardvark', 'Aardvark'),
      ],
      initialRouteEntries: ['/somewhere-else'],
    });
    const nav = await screen.findByRole('navigation', { name: 'sidebar nav' });
    const shipdeck = await within(nav).findByRole('link', { name: 'Shipdeck' });
    expect(shipdeck).toHaveAttribute('href', '/gitops');

    // Placed explicitly, not sorted by title among the other pages.
    const titles = within(nav)
      .getAllByRole('link')
      .map(link => link.getAttribute('aria-label'))
      .filter(label => ['Catalog', 'Shipdeck', 'Aardvark'].includes(label!));
    expect(titles).toEqual(['Catalog', 'Shipdeck', 'Aardvark']);
  });
});
