import { screen, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  DeploymentPreview,
  SourceChangesResponse,
} from '@shipdeck/plugin-gitops-common';
import { gitopsApiRef } from '../../../api';
import { mockGitopsApi } from '../../../__testUtils__/mockGitopsApi';
import { PromoteDialog } from './PromoteDialog';

const preview: DeploymentPreview = {
  dryRun: true,
  unchanged: false,
  summary: 'cart 1.11.0 → 1.12.0 in production',
  mode: 'pull-request',
  repository: 'github.com/acme/deploy',
  branch: 'main',
  changes: [
    {
      entityRef: 'component:default/cart',
      environment: 'production',
      path: 'cart/overlays/production/kustomization.yaml',
      fromVersion: '1.11.0',
      toVersion: '1.12.0',
      diff: '',
    },
  ],
};

const compared: SourceChangesResponse = {
  repository: 'github.com/acme/cart',
  from: '1.11.0',
  to: '1.12.0',
  available: true,
  fromRef: 'v1.11.0',
  toRef: 'v1.12.0',
  total: 3,
  url: 'https://github.com/acme/cart/compare/v1.11.0...v1.12.0',
  commits: [
    {
      sha: 'b'.repeat(40),
      title: 'Fix totals',
      author: 'Bob Builder',
      login: 'bob',
      date: new Date(Date.now() - 2 * 3600_000).toISOString(),
      url: `https://github.com/acme/cart/commit/${'b'.repeat(40)}`,
    },
    {
      sha: 'a'.repeat(40),
      title: 'Add checkout',
      author: 'Alice Author',
      url: `https://github.com/acme/cart/commit/${'a'.repeat(40)}`,
    },
  ],
};

async function openPromote(
  getSourceChanges: (...args: any[]) => Promise<SourceChangesResponse>,
  sourceChanges?: boolean,
) {
  const calls: unknown[] = [];
  const api = mockGitopsApi({
    previewDeployment: async () => preview,
    getSourceChanges: async (...args) => {
      calls.push(args);
      return getSourceChanges(...args);
    },
  });
  await renderInTestApp(
    <TestApiProvider apis={[[gitopsApiRef, api]]}>
      <PromoteDialog
        entityRef="component:default/cart"
        from="staging"
        to={{ name: 'production', pullRequest: true }}
        sourceChanges={sourceChanges}
        onClose={() => {}}
        onStarted={() => {}}
      />
    </TestApiProvider>,
  );
  return calls;
}

describe('source changes in the promote dialog', () => {
  it('lists the commits between the running and the new version, newest first, with authors and links', async () => {
    const calls = await openPromote(async () => compared, true);
    const section = await screen.findByRole('region', {
      name: 'Source changes 1.11.0 → 1.12.0',
    });
    expect(section).toHaveTextContent(
      '3 source commits from v1.11.0 to v1.12.0',
    );
    expect(
      within(section).getByRole('link', { name: /^compare/ }),
    ).toHaveAttribute('href', compared.url);
    const items = within(
      within(section).getByRole('list', { name: 'Source commits' }),
    ).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveTextContent(
      /^Fix totals.*bbbbbbb · Bob Builder \(@bob\) · 2 hours ago$/,
    );
    expect(items[1]).toHaveTextContent(
      /^Add checkout.*aaaaaaa · Alice Author$/,
    );
    expect(
      within(items[0]).getByRole('link', { name: /^Fix totals/ }),
    ).toHaveAttribute('href', compared.commits[0].url);
    expect(section).toHaveTextContent('and 1 earlier commit');
    expect(calls).toEqual([
      ['component:default/cart', { from: '1.11.0', to: '1.12.0' }],
    ]);
  });

  it('says why when the versions map to no commits', async () => {
    await openPromote(async () => ({
      ...compared,
      available: false,
      reason: 'No commit found for 1.11.0 in github.com/acme/cart',
      commits: [],
      total: 0,
    }));
    expect(
      await screen.findByText(
        'No commit list: No commit found for 1.11.0 in github.com/acme/cart',
      ),
    ).toBeInTheDocument();
  });

  it('stays away for an entity without a source repository', async () => {
    const calls = await openPromote(async () => compared, false);
    await screen.findByRole('region', { name: 'What will change' });
    expect(calls).toEqual([]);
    expect(screen.queryByText(/source commit/)).not.toBeInTheDocument();
  });
});
