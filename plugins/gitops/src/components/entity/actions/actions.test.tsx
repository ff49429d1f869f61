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
import { Entity } from '@backstage/catalog-model';
import {
  DeploymentPreview,
  DeploymentRecord,
  EntityEnvironmentsResponse,
  GitopsApi,
} from '@shipdeck/plugin-gitops-common';
import { gitopsApiRef } from '../../../api';
import { entity, environments } from '../../../__testUtils__/fixtures';
import { mockGitopsApi } from '../../../__testUtils__/mockGitopsApi';
import { DeploymentsContent } from '../DeploymentsContent';
import { gitRefProblem, versionProblem } from './validation';
import { earlierVersions } from './RollbackDialog';

const running = (version: string) => ({
  sync: 'Synced' as const,
  health: 'Healthy' as const,
  images: [`registry.shop.example/shop/cart:${version}`],
  version,
  revision: '3bbf550b3c230d117146b482f678c1ea45a27234',
  observedAt: new Date().toISOString(),
  stale: false,
});

const withVersions: EntityEnvironmentsResponse = {
  ...environments,
  environments: environments.environments.map((e, i) => ({
    ...e,
    status: running(['1.5.0', '1.4.0', '1.3.0'][i]),
  })),
};

const preview: DeploymentPreview = {
  dryRun: true,
  unchanged: false,
  summary: 'Deploy cart 1.6.0 to dev',
  mode: 'commit',
  repository: 'local:demo',
  branch: 'main',
  changes: [
    {
      entityRef: 'component:default/cart',
      environment: 'dev',
      path: 'cart/overlays/dev/kustomization.yaml',
      fromVersion: '1.5.0',
      toVersion: '1.6.0',
      diff: '--- a\n+++ b\n@@ -3,1 +3,1 @@\n-    newTag: 1.5.0\n+    newTag: 1.6.0\n',
    },
  ],
};

function record(steps: string[], status: DeploymentRecord['status']) {
  return {
    id: 'd-1',
    entityRef: 'component:default/cart',
    environment: 'dev',
    action: 'deploy' as const,
    actor: 'user:default/guest',
    fromVersion: '1.5.0',
    toVersion: '1.6.0',
    status,
    commitSha: 'abcdef1234567',
    createdAt: new Date().toISOString(),
    steps: steps.map(name => ({ name, at: new Date().toISOString() })),
  };
}

function fakeApi(overrides: Partial<GitopsApi> = {}) {
  const calls: Record<string, unknown[][]> = {};
  const spy =
    <T,>(name: string, result: (...args: any[]) => T) =>
    async (...args: any[]) => {
      (calls[name] ??= []).push(args);
      return result(...args);
    };
  const api = mockGitopsApi({
    getEntityEnvironments: spy('getEntityEnvironments', () => withVersions),
    getTimeline: spy('getTimeline', () => ({ events: [] })),
    getMetrics: spy('getMetrics', () => ({
      from: '',
      to: '',
      days: 30,
      environments: [],
    })),
    previewDeployment: spy('previewDeployment', () => preview),
    requestDeployment: spy('requestDeployment', () => ({
      unchanged: false,
      message: 'ok',
      deployments: [record(['requested', 'committed'], 'committed')],
    })),
    sync: spy('sync', () => ({
      application: { instance: 'local', name: 'cart-dev' },
      state: 'Running',
      message: 'Sync started',
    })),
    refresh: spy('refresh', () => ({
      application: { instance: 'local', name: 'cart-dev' },
      state: 'Synced',
      message: 'Refreshed',
    })),
    ...overrides,
  });
  return { api, calls };
}

async function renderTab(
  api: GitopsApi,
  options: {
    permission?: ReturnType<typeof mockApis.permission>;
    entity?: Entity;
  } = {},
) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [gitopsApiRef, api],
        [permissionApiRef, options.permission ?? mockApis.permission()],
      ]}
    >
      <EntityProvider entity={options.entity ?? entity}>
        <DeploymentsContent />
      </EntityProvider>
    </TestApiProvider>,
  );
  return screen.findAllByRole('region', { name: /^Environment / });
}

describe('validation', () => {
  it('accepts tags and digests and says what is wrong otherwise', () => {
    expect(versionProblem('1.4.2')).toBeUndefined();
    expect(versionProblem(`sha256:${'a'.repeat(64)}`)).toBeUndefined();
    expect(versionProblem('')).toMatch(/Enter the version/);
    expect(versionProblem('1.4 2')).toMatch(/image tag has/);
    expect(versionProblem('-x')).toMatch(/image tag has/);
    expect(versionProblem('sha256:abc')).toMatch(/64 lower-case hex/);
    expect(gitRefProblem('feature/x')).toBeUndefined();
    expect(gitRefProblem('a..b')).toMatch(/not a valid branch/);
    expect(gitRefProblem('')).toMatch(/Enter the branch/);
  });

  it('offers earlier versions newest first, without the current one', () => {
    expect(
      earlierVersions(
        [
          {
            id: '3',
            at: '2026-11-23T03:00:00Z',
            environment: 'dev',
            kind: 'deployment',
            summary: '',
            links: [],
            fromVersion: '1.4.0',
            toVersion: '1.5.0',
          },
          {
            id: '2',
            at: '2026-11-22T03:00:00Z',
            environment: 'dev',
            kind: 'deployed',
            summary: '',
            links: [],
            toVersion: '1.4.0',
          },
          {
            id: '1',
            at: '2026-11-21T03:00:00Z',
            environment: 'dev',
            kind: 'deployment',
            summary: '',
            links: [],
            fromVersion: '1.2.0',
            toVersion: '1.3.0',
            actor: 'user:default/bob',
          },
        ],
        '1.5.0',
      ).map(v => v.version),
    ).toEqual(['1.4.0', '1.3.0', '1.2.0']);
  });
});

describe('deploying from the Deployments tab', () => {
  it('validates the version, previews the change, deploys and shows the steps advancing', async () => {
    let look = 0;
    const { api, calls } = fakeApi({
      getDeployment: async () =>
        ++look === 1
          ? record(['requested', 'committed'], 'committed')
          : record(
              ['requested', 'committed', 'syncing', 'synced', 'healthy'],
              'healthy',
            ),
    });
    const stages = await renderTab(api);
    await userEvent.click(
      within(stages[0]).getByRole('button', { name: 'Deploy…' }),
    );
    const dialog = await screen.findByRole('dialog', { name: 'Deploy to dev' });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Review changes' }),
    );
    expect(within(dialog).getByText(/Enter the version/)).toBeInTheDocument();
    const input = within(dialog).getByLabelText(/Version/);
    await userEvent.type(input, 'bad tag');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Review changes' }),
    );
    expect(within(dialog).getByText(/image tag has/)).toBeInTheDocument();
    expect(calls.previewDeployment).toBeUndefined();

    await userEvent.clear(input);
    await userEvent.type(input, '1.6.0');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Review changes' }),
    );
    const change = await within(dialog).findByRole('region', {
      name: 'What will change',
    });
    expect(change).toHaveTextContent('Commits directly to local:demo@main');
    expect(change).toHaveTextContent('dev: 1.5.0 → 1.6.0');
    expect(
      within(change).getByText(/^\+\s+newTag: 1\.6\.0$/),
    ).toBeInTheDocument();
    expect(calls.previewDeployment).toEqual([
      [
        'component:default/cart',
        { type: 'deploy', environment: 'dev', version: '1.6.0' },
      ],
    ]);
    expect(calls.requestDeployment).toBeUndefined();

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Deploy' }),
    );
    await waitFor(() => expect(calls.requestDeployment).toHaveLength(1));
    const [ref, request, options] = calls.requestDeployment[0] as any[];
    expect(ref).toBe('component:default/cart');
    expect(request).toEqual({
      type: 'deploy',
      environment: 'dev',
      version: '1.6.0',
    });
    expect(options.idempotencyKey).toMatch(/\S{8,}/);

    const progress = await screen.findByRole('region', {
      name: 'Deployment to dev',
    });
    expect(
      within(progress).getByRole('listitem', { name: /^Committed: done/ }),
    ).toBeInTheDocument();
    expect(
      within(progress).getByRole('listitem', { name: 'Healthy: pending' }),
    ).toBeInTheDocument();
    // The record advances on the next look (polling every 2 s here).
    expect(
      await within(progress).findByRole(
        'listitem',
        { name: /^Healthy: done/ },
        { timeout: 5000 },
      ),
    ).toBeInTheDocument();
    expect(progress).toHaveTextContent('finished: healthy');
  }, 15_000);

  it('keeps the dialog open with the reason when the backend refuses', async () => {
    const { api } = fakeApi({
      previewDeployment: async () => {
        throw Object.assign(new Error('Request failed with 403'), {
          body: {
            error: { message: 'user:default/guest may not deploy payments' },
          },
        });
      },
    });
    const stages = await renderTab(api);
    await userEvent.click(
      within(stages[0]).getByRole('button', { name: 'Deploy…' }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText(/Version/), '1.6.0');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Review changes' }),
    );
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'user:default/guest may not deploy payments',
    );
    expect(
      within(dialog).queryByRole('button', { name: 'Deploy' }),
    ).not.toBeInTheDocument();
  });

  it('promotes with old → new shown before confirming', async () => {
    const { api, calls } = fakeApi({
      previewDeployment: async () => ({
        ...preview,
        changes: [
          {
            ...preview.changes[0],
            environment: 'staging',
            fromVersion: '1.4.0',
            toVersion: '1.5.0',
          },
        ],
      }),
    });
    const stages = await renderTab(api);
    expect(
      within(stages[1]).getByText('Promote: 1.4.0 → 1.5.0'),
    ).toBeInTheDocument();
    await userEvent.click(
      within(stages[1]).getByRole('button', { name: 'Promote from dev' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Promote dev → staging',
    });
    expect(
      await within(dialog).findByRole('region', { name: 'What will change' }),
    ).toHaveTextContent('staging: 1.4.0 → 1.5.0');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Promote' }),
    );
    await waitFor(() =>
      expect(calls.requestDeployment?.[0]?.[1]).toEqual({
        type: 'promote',
        from: 'dev',
        to: 'staging',
      }),
    );
  });

  it('rolls back to a version picked from the timeline', async () => {
    const { api, calls } = fakeApi({
      getTimeline: async () => ({
        events: [
          {
            id: 'e1',
            at: new Date().toISOString(),
            environment: 'dev',
            kind: 'deployment' as const,
            summary: 'deploy',
            links: [],
            actor: 'user:default/alice',
            fromVersion: '1.4.0',
            toVersion: '1.5.0',
          },
        ],
      }),
    });
    const stages = await renderTab(api);
    await userEvent.click(
      within(stages[0]).getByRole('button', { name: 'Roll back…' }),
    );
    const dialog = await screen.findByRole('dialog', { name: 'Roll back dev' });
    await userEvent.click(
      await within(dialog).findByRole('button', { name: 'Review changes' }),
    );
    expect(
      within(dialog).getByText('Pick the version to roll back to'),
    ).toBeInTheDocument();
    await userEvent.click(
      within(dialog).getByLabelText(/^1\.4\.0, .* by alice/),
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Review changes' }),
    );
    await within(dialog).findByRole('region', { name: 'What will change' });
    expect(calls.previewDeployment?.[0]?.[1]).toEqual({
      type: 'rollback',
      environment: 'dev',
      to: '1.4.0',
    });
  });

  it('syncs with the chosen options and refreshes', async () => {
    const { api, calls } = fakeApi();
    const stages = await renderTab(api);
    await userEvent.click(
      within(stages[0]).getByRole('button', { name: 'Sync…' }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByLabelText(/^Prune/));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Sync' }));
    await waitFor(() =>
      expect(calls.sync).toEqual([
        [
          'component:default/cart',
          { environment: 'dev', prune: true, dryRun: false },
        ],
      ]),
    );
    await userEvent.click(
      within(stages[0]).getByRole('button', { name: 'Refresh' }),
    );
    await waitFor(() =>
      expect(calls.refresh).toEqual([
        ['component:default/cart', { environment: 'dev' }],
      ]),
    );
  });

  it('merges a pending pull request of a local repository and follows its deployment', async () => {
    const pendingProduction: EntityEnvironmentsResponse = {
      ...withVersions,
      environments: withVersions.environments.map(e =>
        e.environment.name === 'production'
          ? {
              ...e,
              pendingPullRequest: {
                number: 4,
                url: 'http://localhost:7007/api/gitops/repositories/local%3Ademo/pulls/4',
                state: 'open' as const,
                deploymentId: 'd-1',
              },
            }
          : e,
      ),
    };
    const { api, calls } = fakeApi({
      getEntityEnvironments: async () => pendingProduction,
      mergePullRequest: async (...args) => {
        (calls.mergePullRequest ??= []).push(args);
        return {
          message: 'Merged #4',
          pullRequest: { number: 4, url: 'x', state: 'merged' as const },
          commitSha: 'abc',
          deployments: [
            {
              ...record(['requested', 'pr-opened', 'merged'], 'committed'),
              environment: 'production',
            },
          ],
        };
      },
      getDeployment: async () => ({
        ...record(['requested', 'pr-opened', 'merged'], 'committed'),
        environment: 'production',
      }),
    });
    const stages = await renderTab(api);
    expect(stages[2]).toHaveTextContent(/\(open\): waiting to be merged/);
    expect(
      within(stages[2]).getByRole('link', { name: /^#4/ }),
    ).toHaveAttribute(
      'href',
      'http://localhost:7007/api/gitops/repositories/local%3Ademo/pulls/4',
    );
    expect(
      within(stages[0]).queryByRole('button', { name: /Merge pull request/ }),
    ).not.toBeInTheDocument();
    await userEvent.click(
      within(stages[2]).getByRole('button', { name: 'Merge pull request #4' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Merge pull request #4',
    });
    expect(dialog).toHaveTextContent('Argo CD then syncs production');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Merge' }),
    );
    await waitFor(() =>
      expect(calls.mergePullRequest).toEqual([['local:demo', 4]]),
    );
    const progress = await screen.findByRole('region', {
      name: 'Deployment to production',
    });
    expect(
      within(progress).getByRole('listitem', { name: /^Merged: done/ }),
    ).toBeInTheDocument();
    expect(
      within(progress).getByRole('listitem', { name: 'Syncing: pending' }),
    ).toBeInTheDocument();
  });

  it('offers no change to an environment its pull request is still adding (a new service)', async () => {
    const { fromVersion: _none, ...first } = record(
      ['requested', 'pr-opened'],
      'pr-opened',
    );
    const adding: EntityEnvironmentsResponse = {
      ...withVersions,
      environments: withVersions.environments.map(e =>
        e.environment.name === 'production'
          ? {
              ...e,
              status: undefined,
              lastDeployment: { ...first, environment: 'production' },
              pendingPullRequest: {
                number: 1,
                url: 'http://localhost:7007/api/gitops/repositories/local%3Ademo/pulls/1',
                state: 'open' as const,
                deploymentId: 'd-1',
              },
            }
          : e,
      ),
    };
    const { api } = fakeApi({ getEntityEnvironments: async () => adding });
    const stages = await renderTab(api);
    for (const name of ['Deploy…', 'Promote from staging', 'Roll back…']) {
      await waitFor(() =>
        expect(within(stages[2]).getByRole('button', { name })).toBeDisabled(),
      );
    }
    expect(stages[2]).toHaveTextContent(
      'production arrives with its pull request #1; merge it first',
    );
    expect(
      within(stages[2]).getByRole('button', { name: 'Merge pull request #1' }),
    ).toBeEnabled();
    // An environment that runs something keeps its actions.
    expect(
      within(stages[1]).getByRole('button', { name: 'Deploy…' }),
    ).toBeEnabled();
  });

  it('promotes a paused rollout, and aborts only after confirming', async () => {
    const paused: EntityEnvironmentsResponse = {
      ...withVersions,
      environments: withVersions.environments.map((e, i) =>
        i === 0
          ? {
              ...e,
              status: {
                ...e.status!,
                health: 'Suspended' as const,
                rollout: { name: 'cart', health: 'Suspended' },
              },
            }
          : e,
      ),
    };
    const actions: unknown[] = [];
    const { api } = fakeApi({
      getEntityEnvironments: async () => paused,
      rolloutAction: async (_entity, request) => {
        actions.push(request);
        return {
          application: { instance: 'local', name: 'cart-dev' },
          state: 'Progressing',
          message: `${request.action} sent`,
        };
      },
    });
    const stages = await renderTab(api);
    expect(
      within(stages[1]).queryByRole('button', { name: 'Promote rollout' }),
    ).not.toBeInTheDocument();
    await userEvent.click(
      within(stages[0]).getByRole('button', { name: 'Promote rollout' }),
    );
    await waitFor(() =>
      expect(actions).toEqual([{ environment: 'dev', action: 'promote' }]),
    );
    await userEvent.click(
      within(stages[0]).getByRole('button', { name: 'Abort rollout' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Abort rollout cart',
    });
    expect(actions).toHaveLength(1);
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Abort rollout' }),
    );
    await waitFor(() =>
      expect(actions).toEqual([
        { environment: 'dev', action: 'promote' },
        { environment: 'dev', action: 'abort' },
      ]),
    );
  });

  it('disables actions with a reason when the user may not deploy', async () => {
    const { api } = fakeApi();
    // Permission answers are cached per entity: ask about another one.
    const stages = await renderTab(api, {
      permission: mockApis.permission({ authorize: AuthorizeResult.DENY }),
      entity: { ...entity, metadata: { ...entity.metadata, name: 'payments' } },
    });
    await waitFor(() =>
      expect(
        within(stages[0]).getByRole('button', { name: 'Deploy…' }),
      ).toBeDisabled(),
    );
    expect(
      within(stages[1]).getByRole('button', { name: 'Promote from dev' }),
    ).toBeDisabled();
    expect(
      within(stages[0]).getByRole('button', { name: 'Sync…' }),
    ).toBeDisabled();
    expect(stages[0]).toHaveTextContent(
      'You may not deploy component:default/payments (needs gitops.deploy',
    );
    expect(stages[2]).toHaveTextContent(
      'to protected environment production (needs gitops.deploy.protected',
    );
  });
});
