import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  GitopsApi,
  TimelineChange,
  TimelineChangesQuery,
  TimelineChangesResponse,
  TimelineEvent,
} from '@shipdeck/plugin-gitops-common';
import { gitopsApiRef } from '../../api';
import { mockGitopsApi } from '../../__testUtils__/mockGitopsApi';
import { EntityTimeline } from './EntityTimeline';

const ENTITY = 'component:default/orders';
const ENVIRONMENTS = ['dev', 'staging', 'production'];

const now = new Date();
const yesterdayNoon = new Date(
  now.getFullYear(),
  now.getMonth(),
  now.getDate() - 1,
  12,
);
const longAgo = new Date(2024, 0, 15, 12); // a Monday, local time
const later = (date: Date, seconds: number) =>
  new Date(date.getTime() + seconds * 1000).toISOString();
const REVISION = 'abc1234def5678abc1234def5678abc1234def56';
const ARGO_URL = 'http://argocd.test/applications/orders-production';

function argoEvent(
  id: number,
  at: string,
  environment: string,
  kind: TimelineEvent['kind'],
  summary: string,
  extra: Partial<TimelineEvent> = {},
): TimelineEvent {
  return {
    id: `argocd:${id}`,
    at,
    environment,
    kind,
    summary,
    links: [{ title: 'Argo CD', url: ARGO_URL }],
    ...extra,
  };
}

// A deployment to production and the Argo CD events at its commit.
const deploymentStart = new Date(now.getTime() - 120_000);
const deployment: TimelineChange = {
  id: 'deployment:41',
  kind: 'deployment',
  at: deploymentStart.toISOString(),
  endedAt: later(deploymentStart, 60),
  environment: 'production',
  outcome: 'healthy',
  summary: 'Deploy 1.4.0 → 1.5.0',
  action: 'deploy',
  status: 'healthy',
  actor: 'user:default/alice',
  revision: REVISION,
  fromVersion: '1.4.0',
  toVersion: '1.5.0',
  deploymentId: '41',
  changeSetId: 'change-set-9',
  steps: [
    { name: 'committed', at: deploymentStart.toISOString() },
    {
      name: 'healthy',
      at: later(deploymentStart, 60),
      message: 'all pods ready',
    },
  ],
  links: [
    {
      title: 'Commit',
      url: 'https://git.example/shop/manifests/commit/abc1234',
    },
    {
      title: 'Pull request',
      url: 'https://git.example/shop/manifests/pull/42',
    },
    { title: 'Argo CD', url: ARGO_URL },
  ],
  events: [
    argoEvent(
      11,
      later(deploymentStart, 5),
      'production',
      'operation-started',
      'Sync started to abc1234 by admin',
      { revision: REVISION, state: { to: 'Running' } },
    ),
    argoEvent(
      12,
      later(deploymentStart, 20),
      'production',
      'operation',
      'Sync Succeeded at abc1234 by admin',
      {
        revision: REVISION,
        state: { to: 'Succeeded' },
        details: {
          message: 'successfully synced (all tasks run)',
          hooks: [
            {
              hookType: 'PreSync',
              kind: 'Job',
              name: 'orders-db-migrate',
              phase: 'Succeeded',
              message: 'job completed',
            },
          ],
        },
      },
    ),
    argoEvent(
      13,
      later(deploymentStart, 20),
      'production',
      'deployed',
      'Deployed abc1234 by admin',
      { revision: REVISION, details: { historyId: 8 } },
    ),
    argoEvent(
      14,
      later(deploymentStart, 60),
      'production',
      'health',
      'Health Progressing → Healthy',
      { state: { from: 'Progressing', to: 'Healthy' } },
    ),
  ],
};

// Staging went Degraded and was Healthy again twelve minutes later.
const incident: TimelineChange = {
  id: 'incident:6',
  kind: 'incident',
  at: yesterdayNoon.toISOString(),
  endedAt: later(yesterdayNoon, 720),
  durationSeconds: 720,
  environment: 'staging',
  outcome: 'restored',
  summary: 'Degraded, then Healthy again',
  links: [],
  events: [
    argoEvent(
      6,
      yesterdayNoon.toISOString(),
      'staging',
      'health',
      'Health Progressing → Degraded',
      {
        state: { from: 'Progressing', to: 'Degraded' },
        details: { message: 'Deployment exceeded its progress deadline' },
      },
    ),
    argoEvent(
      7,
      later(yesterdayNoon, 720),
      'staging',
      'health',
      'Health Degraded → Healthy',
      { state: { from: 'Degraded', to: 'Healthy' } },
    ),
  ],
};

// Auto-sync applied a commit made outside Shipdeck.
const outsideSync: TimelineChange = {
  id: 'sync:5',
  kind: 'sync',
  at: longAgo.toISOString(),
  environment: 'dev',
  outcome: 'healthy',
  summary: 'Auto-sync to 9f8e7d6, not from Shipdeck',
  revision: '9f8e7d6c5b4a',
  links: [{ title: 'Argo CD', url: ARGO_URL }],
  events: [
    argoEvent(
      5,
      longAgo.toISOString(),
      'dev',
      'deployed',
      'Deployed 9f8e7d6 (auto-sync)',
      {
        revision: '9f8e7d6c5b4a',
        details: { historyId: 3, automated: true },
      },
    ),
  ],
};

const older: TimelineChange = {
  id: 'status:2',
  kind: 'status',
  at: new Date(2024, 0, 10, 9, 30).toISOString(),
  environment: 'dev',
  outcome: 'out-of-sync',
  summary: 'Out of sync with 1111111',
  links: [],
  events: [
    argoEvent(
      2,
      new Date(2024, 0, 10, 9, 30).toISOString(),
      'dev',
      'sync-status',
      'OutOfSync with 1111111',
      {
        revision: '1111111aaaa',
        state: { to: 'OutOfSync' },
      },
    ),
  ],
};

type GetChanges = jest.Mock<
  Promise<TimelineChangesResponse>,
  [string, TimelineChangesQuery | undefined]
>;

function changesMock(
  impl: (
    query: TimelineChangesQuery,
  ) => Promise<TimelineChangesResponse> | TimelineChangesResponse,
): GetChanges {
  return jest.fn(async (_entity, query) => impl(query ?? {})) as GetChanges;
}

function element(api: GitopsApi, refreshToken?: number) {
  return (
    <TestApiProvider apis={[[gitopsApiRef, api]]}>
      <EntityTimeline
        entityRef={ENTITY}
        environments={ENVIRONMENTS}
        refreshToken={refreshToken}
      />
    </TestApiProvider>
  );
}

async function render(getTimelineChanges: GetChanges, refreshToken?: number) {
  const api = mockGitopsApi({ getTimelineChanges });
  const result = await renderInTestApp(element(api, refreshToken));
  return { ...result, api };
}

const CHANGE = '[data-testid="timeline-change"]';

function changeItem(summary: string): HTMLElement {
  return screen.getByText(summary).closest<HTMLElement>(CHANGE)!;
}

async function findChangeItem(summary: string): Promise<HTMLElement> {
  return (await screen.findByText(summary)).closest<HTMLElement>(CHANGE)!;
}

function queryChangeItem(summary: string): HTMLElement | null {
  return screen.queryByText(summary)?.closest<HTMLElement>(CHANGE) ?? null;
}

describe('EntityTimeline', () => {
  it('loads the first page of 25 changes and groups them by day, newest first', async () => {
    const getTimelineChanges = changesMock(() => ({
      changes: [deployment, incident, outsideSync],
    }));
    await render(getTimelineChanges);

    expect(
      await screen.findByRole('heading', { name: 'Today' }),
    ).toBeInTheDocument();
    expect(
      screen.getAllByRole('heading', { level: 3 }).map(h => h.textContent),
    ).toEqual(['Today', 'Yesterday', 'Mon 15 Jan 2024']);
    const today = screen.getByRole('region', { name: 'Today' });
    expect(within(today).getByText(deployment.summary)).toBeInTheDocument();
    // One entry per change: its events stay folded away.
    expect(within(today).getAllByTestId('timeline-change')).toHaveLength(1);
    expect(screen.queryAllByTestId('timeline-event')).toHaveLength(0);
    expect(
      within(screen.getByRole('region', { name: 'Yesterday' })).getByText(
        incident.summary,
      ),
    ).toBeInTheDocument();
    expect(getTimelineChanges).toHaveBeenCalledTimes(1);
    expect(getTimelineChanges).toHaveBeenCalledWith(ENTITY, { limit: 25 });
  });

  it('shows a deployment’s actor, versions, links and outcome at a glance', async () => {
    await render(changesMock(() => ({ changes: [deployment, incident] })));
    const item = within(await findChangeItem(deployment.summary));
    expect(item.getByText('by alice')).toBeInTheDocument();
    expect(item.getByText('1.4.0 → 1.5.0')).toBeInTheDocument();
    expect(item.getByText('production')).toBeInTheDocument();
    expect(item.getByText('Shipdeck deployment')).toBeInTheDocument();
    expect(item.getByText('Healthy')).toBeInTheDocument();
    expect(item.getByText('abc1234')).toHaveAttribute('title', REVISION);
    expect(item.getByRole('link', { name: /^Commit/ })).toHaveAttribute(
      'href',
      'https://git.example/shop/manifests/commit/abc1234',
    );
    expect(item.getByRole('link', { name: /^Pull request/ })).toHaveAttribute(
      'href',
      'https://git.example/shop/manifests/pull/42',
    );
    expect(item.getByRole('link', { name: /^Argo CD/ })).toHaveAttribute(
      'href',
      ARGO_URL,
    );
    expect(changeItem(deployment.summary)).toHaveAccessibleName(
      'Deploy 1.4.0 → 1.5.0: Healthy',
    );
  });

  it('takes the outcome from the change’s outcome field, never from its text', async () => {
    const misleading: TimelineChange = {
      ...deployment,
      id: 'deployment:43',
      summary: 'Deploy 1.5.0 → 1.6.0 failed? healthy?',
      outcome: 'degraded',
      status: 'degraded',
    };
    await render(changesMock(() => ({ changes: [misleading] })));
    const item = await findChangeItem(misleading.summary);
    expect(within(item).getByText('Degraded')).toBeInTheDocument();
    expect(within(item).queryByText('Healthy')).not.toBeInTheDocument();
    expect(item).toHaveAccessibleName(`${misleading.summary}: Degraded`);
  });

  it('expands a deployment into its Argo CD events in order, with times, hooks and messages, and collapses it', async () => {
    const user = userEvent.setup();
    await render(changesMock(() => ({ changes: [deployment, incident] })));
    const item = within(await findChangeItem(deployment.summary));
    const button = item.getByRole('button', { name: '4 Argo CD events' });
    expect(button).toHaveAttribute('aria-expanded', 'false');
    expect(item.queryByText('Sync Succeeded at abc1234 by admin')).toBeNull();

    act(() => button.focus());
    await user.keyboard('{Enter}');
    expect(button).toHaveAttribute('aria-expanded', 'true');
    const panel = document.getElementById(
      button.getAttribute('aria-controls')!,
    )!;
    expect(panel).toBeVisible();
    const events = within(panel).getAllByTestId('timeline-event');
    expect(events).toHaveLength(4);
    events.forEach((e, i) =>
      expect(
        within(e).getByText(deployment.events[i].summary),
      ).toBeInTheDocument(),
    );
    // Each with its time of day.
    expect(
      events.map(e => e.querySelector('time')!.getAttribute('dateTime')),
    ).toEqual(deployment.events.map(e => e.at));
    expect(
      within(events[1]).getByText(
        'PreSync hook Job orders-db-migrate: Succeeded – job completed',
      ),
    ).toBeInTheDocument();
    expect(
      within(events[1]).getByText('successfully synced (all tasks run)'),
    ).toBeInTheDocument();
    // The change links to Argo CD once, not once per event.
    expect(within(panel).queryByRole('link', { name: /^Argo CD/ })).toBeNull();
    expect(within(panel).getByText(/^Shipdeck: committed/)).toHaveTextContent(
      /healthy .* \(all pods ready\)/,
    );

    await user.click(button);
    expect(button).toHaveAttribute('aria-expanded', 'false');
    expect(item.queryByText('Sync Succeeded at abc1234 by admin')).toBeNull();
  });

  it('shows a sync that did not come from Shipdeck and a health incident as one entry each', async () => {
    const user = userEvent.setup();
    await render(changesMock(() => ({ changes: [incident, outsideSync] })));

    const sync = within(await findChangeItem(outsideSync.summary));
    expect(
      sync.getByText('Argo CD sync, not from Shipdeck'),
    ).toBeInTheDocument();
    expect(sync.getByText('Healthy')).toBeInTheDocument();
    expect(sync.getByText('9f8e7d6')).toBeInTheDocument();
    await user.click(sync.getByRole('button', { name: '1 Argo CD event' }));
    expect(sync.getByText('Deployed 9f8e7d6 (auto-sync)')).toBeInTheDocument();

    const down = within(changeItem(incident.summary));
    expect(down.getByText('Health incident')).toBeInTheDocument();
    expect(down.getByText('Restored after 12 min')).toBeInTheDocument();
    expect(down.getByText('staging')).toBeInTheDocument();
    await user.click(down.getByRole('button', { name: '2 Argo CD events' }));
    expect(
      down.getByText('Deployment exceeded its progress deadline'),
    ).toBeInTheDocument();
    expect(down.getAllByTestId('timeline-event')).toHaveLength(2);
    expect(screen.getAllByTestId('timeline-change')).toHaveLength(2);
  });

  it('shows where a deployment waiting for its pull request stands', async () => {
    const url = 'https://github.com/shop/deploy/pull/7';
    const waiting: TimelineChange = {
      ...deployment,
      id: 'deployment:44',
      summary: 'Deploy 1.5.0 → 1.6.0',
      outcome: 'waiting',
      status: 'pr-opened',
      events: [],
      links: [{ title: 'Pull request', url }],
      pullRequest: {
        number: 7,
        url,
        state: 'open',
        review: 'changes-requested',
        checks: 'failing',
      },
    };
    await render(changesMock(() => ({ changes: [waiting] })));
    const item = within(await findChangeItem(waiting.summary));
    expect(item.getByText('Waiting for its pull request')).toBeInTheDocument();
    expect(item.getByText('changes requested')).toBeInTheDocument();
    expect(item.getByText('checks failing')).toBeInTheDocument();
  });

  it('filters by environment and kind of change through the query', async () => {
    const user = userEvent.setup();
    const getTimelineChanges = changesMock(query => ({
      changes: [deployment, incident, outsideSync].filter(
        c =>
          (!query.environment || c.environment === query.environment) &&
          (!query.kinds || query.kinds.includes(c.kind)),
      ),
    }));
    await render(getTimelineChanges);
    await screen.findByRole('heading', { name: 'Today' });

    await user.selectOptions(screen.getByLabelText('Environment'), 'staging');
    await waitFor(() =>
      expect(getTimelineChanges).toHaveBeenLastCalledWith(ENTITY, {
        limit: 25,
        environment: 'staging',
      }),
    );
    await waitFor(() =>
      expect(queryChangeItem(deployment.summary)).not.toBeInTheDocument(),
    );
    expect(changeItem(incident.summary)).toBeInTheDocument();

    const incidents = screen.getByRole('button', { name: 'Incidents' });
    expect(incidents).toHaveAttribute('aria-pressed', 'false');
    await user.click(incidents);
    expect(incidents).toHaveAttribute('aria-pressed', 'true');
    await waitFor(() =>
      expect(getTimelineChanges).toHaveBeenLastCalledWith(ENTITY, {
        limit: 25,
        environment: 'staging',
        kinds: ['incident'],
      }),
    );

    await user.click(screen.getByRole('button', { name: 'Deployments' }));
    await waitFor(() =>
      expect(getTimelineChanges).toHaveBeenLastCalledWith(ENTITY, {
        limit: 25,
        environment: 'staging',
        kinds: ['deployment', 'incident'],
      }),
    );

    await user.selectOptions(screen.getByLabelText('Environment'), '');
    await user.click(incidents);
    await waitFor(() =>
      expect(getTimelineChanges).toHaveBeenLastCalledWith(ENTITY, {
        limit: 25,
        kinds: ['deployment'],
      }),
    );
    await waitFor(() =>
      expect(queryChangeItem(outsideSync.summary)).not.toBeInTheDocument(),
    );
    expect(changeItem(deployment.summary)).toBeInTheDocument();
  });

  it('loads older pages with the button, appending them, until nothing is older', async () => {
    const user = userEvent.setup();
    const getTimelineChanges = changesMock(query => {
      if (!query.before) {
        return { changes: [deployment, incident], nextBefore: incident.at };
      }
      if (query.before === incident.at) {
        return { changes: [outsideSync], nextBefore: outsideSync.at };
      }
      return { changes: [older] };
    });
    await render(getTimelineChanges);
    await findChangeItem(deployment.summary);
    expect(screen.queryByText(/Nothing older/)).not.toBeInTheDocument();

    await user.click(
      screen.getByRole('button', { name: 'Load older changes' }),
    );
    expect(await findChangeItem(outsideSync.summary)).toBeInTheDocument();
    expect(getTimelineChanges).toHaveBeenLastCalledWith(ENTITY, {
      limit: 25,
      before: incident.at,
    });
    // Appended: the first page is still there.
    expect(changeItem(deployment.summary)).toBeInTheDocument();

    await user.click(
      screen.getByRole('button', { name: 'Load older changes' }),
    );
    expect(await findChangeItem(older.summary)).toBeInTheDocument();
    expect(getTimelineChanges).toHaveBeenLastCalledWith(ENTITY, {
      limit: 25,
      before: outsideSync.at,
    });
    expect(screen.getByText(/Nothing older/)).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Load older changes' }),
    ).not.toBeInTheDocument();
    expect(screen.getAllByTestId('timeline-change')).toHaveLength(4);
    expect(getTimelineChanges).toHaveBeenCalledTimes(3);
  });

  it('offers older changes when a filtered page came back empty but more are older', async () => {
    const user = userEvent.setup();
    const getTimelineChanges = changesMock(query =>
      query.before
        ? { changes: [outsideSync] }
        : { changes: [], nextBefore: incident.at },
    );
    await render(getTimelineChanges);
    await user.click(
      await screen.findByRole('button', { name: 'Load older changes' }),
    );
    expect(await findChangeItem(outsideSync.summary)).toBeInTheDocument();
    expect(screen.queryByText('No changes yet')).not.toBeInTheDocument();
  });

  it('loads the next page when the bottom scrolls into view', async () => {
    const callbacks: IntersectionObserverCallback[] = [];
    const original = (globalThis as any).IntersectionObserver;
    (globalThis as any).IntersectionObserver = class {
      constructor(callback: IntersectionObserverCallback) {
        callbacks.push(callback);
      }
      observe() {}
      disconnect() {}
    };
    try {
      const getTimelineChanges = changesMock(query =>
        query.before
          ? { changes: [outsideSync] }
          : { changes: [deployment], nextBefore: deployment.at },
      );
      await render(getTimelineChanges);
      await findChangeItem(deployment.summary);
      expect(callbacks.length).toBeGreaterThan(0);
      act(() => {
        callbacks[callbacks.length - 1](
          [{ isIntersecting: true } as IntersectionObserverEntry],
          {} as IntersectionObserver,
        );
      });
      expect(await findChangeItem(outsideSync.summary)).toBeInTheDocument();
      expect(getTimelineChanges).toHaveBeenLastCalledWith(ENTITY, {
        limit: 25,
        before: deployment.at,
      });
    } finally {
      (globalThis as any).IntersectionObserver = original;
    }
  });

  it('reloads the first page when refreshToken changes, dropping older pages', async () => {
    const user = userEvent.setup();
    const newest: TimelineChange = {
      ...deployment,
      id: 'deployment:42',
      summary: 'Deploy 1.5.0 → 1.6.0',
      outcome: 'in-progress',
      status: 'syncing',
      fromVersion: '1.5.0',
      toVersion: '1.6.0',
    };
    let first: TimelineChangesResponse = {
      changes: [deployment],
      nextBefore: deployment.at,
    };
    const getTimelineChanges = changesMock(query =>
      query.before ? { changes: [outsideSync] } : first,
    );
    const { api, rerender } = await render(getTimelineChanges, 1);
    await findChangeItem(deployment.summary);
    await user.click(
      screen.getByRole('button', { name: 'Load older changes' }),
    );
    await findChangeItem(outsideSync.summary);

    first = { changes: [newest, deployment], nextBefore: deployment.at };
    rerender(element(api, 2));
    expect(await findChangeItem(newest.summary)).toBeInTheDocument();
    expect(
      within(changeItem(newest.summary)).getByText('In progress'),
    ).toBeInTheDocument();
    expect(getTimelineChanges).toHaveBeenCalledTimes(3);
    expect(getTimelineChanges).toHaveBeenLastCalledWith(ENTITY, { limit: 25 });
    expect(queryChangeItem(outsideSync.summary)).not.toBeInTheDocument();
    expect(changeItem(deployment.summary)).toBeInTheDocument();
  });

  it('shows progress while loading', async () => {
    await render(changesMock(() => new Promise(() => {})));
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });

  it('says what failed, without a stack, and retries', async () => {
    const user = userEvent.setup();
    let fail = true;
    const getTimelineChanges = changesMock(() => {
      if (fail) throw new Error('timeline store unavailable');
      return { changes: [incident] };
    });
    await render(getTimelineChanges);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Could not load the timeline');
    expect(alert).toHaveTextContent('timeline store unavailable');
    expect(alert.textContent).not.toMatch(/\bat .*\.tsx?:\d+/);

    fail = false;
    await user.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await findChangeItem(incident.summary)).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(getTimelineChanges).toHaveBeenCalledTimes(2);
  });

  it('explains an empty timeline, and one emptied by the filters', async () => {
    const user = userEvent.setup();
    const getTimelineChanges = changesMock(() => ({ changes: [] }));
    await render(getTimelineChanges);
    expect(await screen.findByText('No changes yet')).toBeInTheDocument();
    expect(
      screen.getByText(/Deployments made with Shipdeck, Argo CD syncs/),
    ).toBeInTheDocument();

    await user.selectOptions(screen.getByLabelText('Environment'), 'staging');
    expect(
      await screen.findByText('No changes match the filters'),
    ).toBeInTheDocument();
    expect(screen.queryByText('No changes yet')).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(await screen.findByText('No changes yet')).toBeInTheDocument();
    expect(getTimelineChanges).toHaveBeenLastCalledWith(ENTITY, { limit: 25 });
    expect(screen.getByLabelText('Environment')).toHaveValue('');
  });
});
