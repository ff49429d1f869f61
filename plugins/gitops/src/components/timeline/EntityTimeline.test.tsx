import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  GitopsApi,
  TimelineEvent,
  TimelineQuery,
  TimelineResponse,
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

const deployment: TimelineEvent = {
  id: 'deployment:41',
  at: now.toISOString(),
  environment: 'production',
  kind: 'deployment',
  summary: 'Deploy 1.4.0 → 1.5.0 (healthy)',
  actor: 'user:default/alice',
  revision: 'abc1234def5678abc1234def5678abc1234def56',
  fromVersion: '1.4.0',
  toVersion: '1.5.0',
  deploymentId: '41',
  links: [
    {
      title: 'Commit',
      url: 'https://git.example/shop/manifests/commit/abc1234',
    },
    {
      title: 'Pull request',
      url: 'https://git.example/shop/manifests/pull/42',
    },
  ],
  details: {
    steps: [
      { name: 'committed', at: now.toISOString() },
      { name: 'healthy', at: now.toISOString(), message: 'all pods ready' },
    ],
    changeSetId: 'change-set-9',
  },
};

const operation: TimelineEvent = {
  id: 'argocd:7',
  at: new Date(now.getTime() - 1000).toISOString(),
  environment: 'production',
  kind: 'operation',
  summary: 'Sync Succeeded at abc1234 by admin',
  revision: 'abc1234def5678abc1234def5678abc1234def56',
  deploymentId: '41',
  toVersion: '1.5.0',
  links: [
    {
      title: 'Argo CD',
      url: 'http://argocd.test/applications/orders-production',
    },
  ],
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
};

const health: TimelineEvent = {
  id: 'argocd:6',
  at: yesterdayNoon.toISOString(),
  environment: 'staging',
  kind: 'health',
  summary: 'Health Progressing → Degraded',
  links: [],
  details: { message: 'Deployment exceeded its progress deadline' },
};

const deployed: TimelineEvent = {
  id: 'argocd:5',
  at: longAgo.toISOString(),
  environment: 'dev',
  kind: 'deployed',
  summary: 'Deployed 9f8e7d6 (auto-sync)',
  revision: '9f8e7d6c5b4a',
  links: [],
  details: { historyId: 3 },
};

const older: TimelineEvent = {
  id: 'argocd:2',
  at: new Date(2024, 0, 10, 9, 30).toISOString(),
  environment: 'dev',
  kind: 'sync-status',
  summary: 'OutOfSync with 1111111',
  revision: '1111111aaaa',
  links: [],
};

type GetTimeline = jest.Mock<
  Promise<TimelineResponse>,
  [string, TimelineQuery | undefined]
>;

function timelineMock(
  impl: (query: TimelineQuery) => Promise<TimelineResponse> | TimelineResponse,
): GetTimeline {
  return jest.fn(async (_entity, query) => impl(query ?? {})) as GetTimeline;
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

async function render(getTimeline: GetTimeline, refreshToken?: number) {
  const api = mockGitopsApi({ getTimeline });
  const result = await renderInTestApp(element(api, refreshToken));
  return { ...result, api };
}

const EVENT = '[data-testid="timeline-event"]';

function eventItem(summary: string): HTMLElement {
  return screen.getByText(summary).closest<HTMLElement>(EVENT)!;
}

async function findEventItem(summary: string): Promise<HTMLElement> {
  return (await screen.findByText(summary)).closest<HTMLElement>(EVENT)!;
}

function queryEventItem(summary: string): HTMLElement | null {
  return screen.queryByText(summary)?.closest<HTMLElement>(EVENT) ?? null;
}

describe('EntityTimeline', () => {
  it('loads the first page of 25 and groups events by day, newest first', async () => {
    const getTimeline = timelineMock(() => ({
      events: [deployment, operation, health, deployed],
    }));
    await render(getTimeline);

    expect(
      await screen.findByRole('heading', { name: 'Today' }),
    ).toBeInTheDocument();
    expect(
      screen.getAllByRole('heading', { level: 3 }).map(h => h.textContent),
    ).toEqual(['Today', 'Yesterday', 'Mon 15 Jan 2024']);
    const today = screen.getByRole('region', { name: 'Today' });
    expect(within(today).getByText(deployment.summary)).toBeInTheDocument();
    expect(within(today).getByText(operation.summary)).toBeInTheDocument();
    expect(
      within(screen.getByRole('region', { name: 'Yesterday' })).getByText(
        health.summary,
      ),
    ).toBeInTheDocument();
    expect(getTimeline).toHaveBeenCalledTimes(1);
    expect(getTimeline).toHaveBeenCalledWith(ENTITY, { limit: 25 });
  });

  it('shows actor, versions, links, hook results and messages of each event', async () => {
    await render(
      timelineMock(() => ({ events: [deployment, operation, health] })),
    );
    const item = within(await findEventItem(deployment.summary));
    expect(item.getByText('by alice')).toBeInTheDocument();
    expect(item.getByText('1.4.0 → 1.5.0')).toBeInTheDocument();
    expect(item.getByText('production')).toBeInTheDocument();
    expect(item.getByText('abc1234')).toHaveAttribute(
      'title',
      deployment.revision,
    );
    expect(item.getByRole('link', { name: /^Commit/ })).toHaveAttribute(
      'href',
      'https://git.example/shop/manifests/commit/abc1234',
    );
    expect(item.getByRole('link', { name: /^Pull request/ })).toHaveAttribute(
      'href',
      'https://git.example/shop/manifests/pull/42',
    );

    const op = within(eventItem(operation.summary));
    expect(
      op.getByText(
        'PreSync hook Job orders-db-migrate: Succeeded – job completed',
      ),
    ).toBeInTheDocument();
    expect(
      op.getByText('successfully synced (all tasks run)'),
    ).toBeInTheDocument();
    expect(op.getByRole('link', { name: /^Argo CD/ })).toHaveAttribute(
      'href',
      'http://argocd.test/applications/orders-production',
    );
    expect(op.queryByText('by alice')).not.toBeInTheDocument();

    expect(
      within(eventItem(health.summary)).getByText(
        'Deployment exceeded its progress deadline',
      ),
    ).toBeInTheDocument();
  });

  it('expands and collapses the remaining details with the keyboard and the mouse', async () => {
    const user = userEvent.setup();
    await render(timelineMock(() => ({ events: [deployment, operation] })));
    const item = within(await findEventItem(deployment.summary));
    const button = item.getByRole('button', { name: /Details/ });
    expect(button).toHaveAttribute('aria-expanded', 'false');
    expect(item.queryByText('change-set-9')).not.toBeInTheDocument();

    act(() => button.focus());
    await user.keyboard('{Enter}');
    expect(button).toHaveAttribute('aria-expanded', 'true');
    const panel = document.getElementById(
      button.getAttribute('aria-controls')!,
    )!;
    expect(panel).toBeVisible();
    expect(within(panel).getByText('change-set-9')).toBeInTheDocument();
    expect(
      within(panel).getByText(/healthy at .* – all pods ready/),
    ).toBeInTheDocument();
    expect(within(panel).getByText(deployment.revision!)).toBeInTheDocument();
    // Hooks and the message are shown inline, not repeated in the details.
    const opButton = within(eventItem(operation.summary)).getByRole('button', {
      name: /Details/,
    });
    await user.click(opButton);
    const opPanel = document.getElementById(
      opButton.getAttribute('aria-controls')!,
    )!;
    expect(within(opPanel).queryByText(/orders-db-migrate/)).toBeNull();
    expect(within(opPanel).getByText('41')).toBeInTheDocument();

    await user.click(button);
    expect(button).toHaveAttribute('aria-expanded', 'false');
    expect(item.queryByText('change-set-9')).not.toBeInTheDocument();
  });

  it('filters by environment and event type through the query', async () => {
    const user = userEvent.setup();
    const getTimeline = timelineMock(query => ({
      events: [deployment, operation, health, deployed].filter(
        e =>
          (!query.environment || e.environment === query.environment) &&
          (!query.types || query.types.includes(e.kind)),
      ),
    }));
    await render(getTimeline);
    await screen.findByRole('heading', { name: 'Today' });

    await user.selectOptions(
      screen.getByLabelText('Environment'),
      'production',
    );
    await waitFor(() =>
      expect(getTimeline).toHaveBeenLastCalledWith(ENTITY, {
        limit: 25,
        environment: 'production',
      }),
    );
    await waitFor(() =>
      expect(queryEventItem(health.summary)).not.toBeInTheDocument(),
    );

    const operations = screen.getByRole('button', {
      name: 'Syncs/operations',
    });
    expect(operations).toHaveAttribute('aria-pressed', 'false');
    await user.click(operations);
    expect(operations).toHaveAttribute('aria-pressed', 'true');
    await waitFor(() =>
      expect(getTimeline).toHaveBeenLastCalledWith(ENTITY, {
        limit: 25,
        environment: 'production',
        types: ['operation-started', 'operation'],
      }),
    );
    await waitFor(() =>
      expect(queryEventItem(deployment.summary)).not.toBeInTheDocument(),
    );
    expect(eventItem(operation.summary)).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Deployments' }));
    await waitFor(() =>
      expect(getTimeline).toHaveBeenLastCalledWith(ENTITY, {
        limit: 25,
        environment: 'production',
        types: ['deployment', 'operation-started', 'operation'],
      }),
    );

    await user.selectOptions(screen.getByLabelText('Environment'), '');
    await user.click(operations);
    await waitFor(() =>
      expect(getTimeline).toHaveBeenLastCalledWith(ENTITY, {
        limit: 25,
        types: ['deployment'],
      }),
    );
  });

  it('loads older pages with the button, appending them, until nothing is older', async () => {
    const user = userEvent.setup();
    const getTimeline = timelineMock(query => {
      if (!query.before) {
        return { events: [deployment, health], nextBefore: health.at };
      }
      if (query.before === health.at) {
        return { events: [deployed], nextBefore: deployed.at };
      }
      return { events: [older] };
    });
    await render(getTimeline);
    await findEventItem(deployment.summary);
    expect(screen.queryByText(/Nothing older/)).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Load older events' }));
    expect(await findEventItem(deployed.summary)).toBeInTheDocument();
    expect(getTimeline).toHaveBeenLastCalledWith(ENTITY, {
      limit: 25,
      before: health.at,
    });
    // Appended: the first page is still there.
    expect(eventItem(deployment.summary)).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Load older events' }));
    expect(await findEventItem(older.summary)).toBeInTheDocument();
    expect(getTimeline).toHaveBeenLastCalledWith(ENTITY, {
      limit: 25,
      before: deployed.at,
    });
    expect(screen.getByText(/Nothing older/)).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Load older events' }),
    ).not.toBeInTheDocument();
    expect(screen.getAllByTestId('timeline-event')).toHaveLength(4);
    expect(getTimeline).toHaveBeenCalledTimes(3);
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
      const getTimeline = timelineMock(query =>
        query.before
          ? { events: [deployed] }
          : { events: [deployment], nextBefore: deployment.at },
      );
      await render(getTimeline);
      await findEventItem(deployment.summary);
      expect(callbacks.length).toBeGreaterThan(0);
      act(() => {
        callbacks[callbacks.length - 1](
          [{ isIntersecting: true } as IntersectionObserverEntry],
          {} as IntersectionObserver,
        );
      });
      expect(await findEventItem(deployed.summary)).toBeInTheDocument();
      expect(getTimeline).toHaveBeenLastCalledWith(ENTITY, {
        limit: 25,
        before: deployment.at,
      });
    } finally {
      (globalThis as any).IntersectionObserver = original;
    }
  });

  it('reloads the first page when refreshToken changes, dropping older pages', async () => {
    const user = userEvent.setup();
    const newest: TimelineEvent = {
      ...deployment,
      id: 'deployment:42',
      summary: 'Deploy 1.5.0 → 1.6.0 (syncing)',
      fromVersion: '1.5.0',
      toVersion: '1.6.0',
    };
    let first: TimelineResponse = {
      events: [deployment],
      nextBefore: deployment.at,
    };
    const getTimeline = timelineMock(query =>
      query.before ? { events: [deployed] } : first,
    );
    const { api, rerender } = await render(getTimeline, 1);
    await findEventItem(deployment.summary);
    await user.click(screen.getByRole('button', { name: 'Load older events' }));
    await findEventItem(deployed.summary);

    first = { events: [newest, deployment], nextBefore: deployment.at };
    rerender(element(api, 2));
    expect(await findEventItem(newest.summary)).toBeInTheDocument();
    expect(getTimeline).toHaveBeenCalledTimes(3);
    expect(getTimeline).toHaveBeenLastCalledWith(ENTITY, { limit: 25 });
    expect(queryEventItem(deployed.summary)).not.toBeInTheDocument();
    expect(eventItem(deployment.summary)).toBeInTheDocument();
  });

  it('shows progress while loading', async () => {
    await render(timelineMock(() => new Promise(() => {})));
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });

  it('says what failed, without a stack, and retries', async () => {
    const user = userEvent.setup();
    let fail = true;
    const getTimeline = timelineMock(() => {
      if (fail) throw new Error('timeline store unavailable');
      return { events: [health] };
    });
    await render(getTimeline);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Could not load the timeline');
    expect(alert).toHaveTextContent('timeline store unavailable');
    expect(alert.textContent).not.toMatch(/\bat .*\.tsx?:\d+/);

    fail = false;
    await user.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await findEventItem(health.summary)).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(getTimeline).toHaveBeenCalledTimes(2);
  });

  it('explains an empty timeline, and one emptied by the filters', async () => {
    const user = userEvent.setup();
    const getTimeline = timelineMock(() => ({ events: [] }));
    await render(getTimeline);
    expect(await screen.findByText('No events yet')).toBeInTheDocument();
    expect(
      screen.getByText(/Deployments made with Shipdeck and Argo CD activity/),
    ).toBeInTheDocument();

    await user.selectOptions(screen.getByLabelText('Environment'), 'staging');
    expect(
      await screen.findByText('No events match the filters'),
    ).toBeInTheDocument();
    expect(screen.queryByText('No events yet')).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(await screen.findByText('No events yet')).toBeInTheDocument();
    expect(getTimeline).toHaveBeenLastCalledWith(ENTITY, { limit: 25 });
    expect(screen.getByLabelText('Environment')).toHaveValue('');
  });
});
