import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  EnvironmentMetrics,
  GitopsApi,
  MetricsResponse,
} from '@shipdeck/plugin-gitops-common';
import { gitopsApiRef } from '../../api';
import { mockGitopsApi } from '../../__testUtils__/mockGitopsApi';
import { DeploymentMetrics } from './DeploymentMetrics';
import { humanDuration, percent } from './metricsFormat';

const ENTITY = 'component:default/orders';
const ENVIRONMENTS = ['dev', 'staging', 'production'];

function daily(
  days: number,
  counts: Record<number, [number, number]>,
): EnvironmentMetrics['daily'] {
  return Array.from({ length: days }, (_, i) => {
    const date = new Date(Date.UTC(2026, 10, 1 + i)).toISOString().slice(0, 10);
    const [deployments, failures] = counts[i] ?? [0, 0];
    return { date, deployments, failures };
  });
}

const dev: EnvironmentMetrics = {
  environment: 'dev',
  deployments: 12,
  deploymentsPerWeek: 2.8,
  daily: daily(30, {
    3: [3, 1],
    10: [4, 0],
    20: [2, 1],
    29: [3, 0],
  }),
  leadTime: { medianSeconds: 600, p90Seconds: 7500, samples: 8 },
  changeFailureRate: { failed: 2, total: 8, rate: 0.25 },
  timeToRestore: { medianSeconds: 240, samples: 3 },
};

const production: EnvironmentMetrics = {
  environment: 'production',
  deployments: 1,
  deploymentsPerWeek: 0.2,
  daily: daily(30, { 29: [1, 0] }),
};

const response: MetricsResponse = {
  entityRef: ENTITY,
  from: '2026-11-01T00:00:00.000Z',
  to: '2026-11-30T23:59:59.999Z',
  days: 30,
  // Not in pipeline order on purpose.
  environments: [production, dev],
};

type MetricsQuery = NonNullable<Parameters<GitopsApi['getMetrics']>[0]>;

function metricsMock(
  impl: (query: MetricsQuery) => Promise<MetricsResponse> | MetricsResponse,
) {
  return jest.fn(async (query?: MetricsQuery) => impl(query ?? {}));
}

type GetMetrics = ReturnType<typeof metricsMock>;

function element(
  api: GitopsApi,
  extra: { refreshToken?: number; days?: number } = {},
) {
  return (
    <TestApiProvider apis={[[gitopsApiRef, api]]}>
      <DeploymentMetrics
        entityRef={ENTITY}
        environments={ENVIRONMENTS}
        {...extra}
      />
    </TestApiProvider>
  );
}

async function render(
  getMetrics: GetMetrics,
  extra: { refreshToken?: number; days?: number } = {},
) {
  const api = mockGitopsApi({
    getMetrics,
  });
  const result = await renderInTestApp(element(api, extra));
  return { ...result, api };
}

describe('DeploymentMetrics', () => {
  it('shows the figures of each environment in pipeline order', async () => {
    const getMetrics = metricsMock(() => response);
    await render(getMetrics);
    const cards = await screen.findAllByRole('region', {
      name: /^Metrics for /,
    });
    expect(cards.map(c => c.getAttribute('aria-label'))).toEqual([
      'Metrics for dev',
      'Metrics for production',
    ]);
    expect(getMetrics).toHaveBeenCalledWith({ entity: ENTITY, days: 30 });

    const d = within(cards[0]);
    expect(d.getByText('12 deployments')).toBeInTheDocument();
    expect(d.getByText('(2 failed)')).toBeInTheDocument();
    expect(d.getByText('2.8 per week')).toBeInTheDocument();
    const lead = within(d.getByRole('group', { name: 'Lead time' }));
    expect(lead.getByText('10 min')).toBeInTheDocument();
    expect(
      lead.getByText('median; p90 2 h 5 min, 8 samples'),
    ).toBeInTheDocument();
    const cfr = within(d.getByRole('group', { name: 'Change failure rate' }));
    expect(cfr.getByText('25%')).toBeInTheDocument();
    expect(cfr.getByText('2 of 8 failed')).toBeInTheDocument();
    const ttr = within(d.getByRole('group', { name: 'Time to restore' }));
    expect(ttr.getByText('4 min')).toBeInTheDocument();
    expect(ttr.getByText('median, 3 samples')).toBeInTheDocument();

    const p = within(cards[1]);
    expect(p.getByText('1 deployment')).toBeInTheDocument();
    expect(p.getByText('0.2 per week')).toBeInTheDocument();
    for (const name of [
      'Lead time',
      'Change failure rate',
      'Time to restore',
    ]) {
      const tile = within(p.getByRole('group', { name }));
      expect(tile.getByText('—')).toBeInTheDocument();
      expect(tile.getByText('no samples')).toBeInTheDocument();
    }
  });

  it('labels every chart for assistive technology and draws failures apart', async () => {
    await render(metricsMock(() => response));
    const devCard = within(
      await screen.findByRole('region', { name: 'Metrics for dev' }),
    );
    const bars = devCard.getByRole('img', {
      name: 'dev: 12 deployments in 30 days, 2 failed',
    });
    expect(
      devCard.getByRole('img', {
        name: 'dev change failure rate: 25%, 2 of 8 deployments failed',
      }),
    ).toBeInTheDocument();
    expect(
      devCard.getByRole('img', {
        name: 'dev lead time: median 10 min, p90 2 h 5 min, 8 samples',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('img', {
        name: 'production: 1 deployment in 30 days, 0 failed',
      }),
    ).toBeInTheDocument();

    // One bar group per day; a day with failures stacks two colours.
    expect(bars.querySelectorAll('g')).toHaveLength(30);
    const failingDay = within(bars).getByTestId('day-2026-11-04');
    expect(failingDay.querySelector('title')).toHaveTextContent(
      '2026-11-04: 3 deployments, 1 failed',
    );
    const coloured = Array.from(failingDay.querySelectorAll('rect')).filter(
      r => r.getAttribute('fill') !== 'transparent',
    );
    expect(coloured).toHaveLength(2);
    expect(coloured[0].getAttribute('fill')).not.toEqual(
      coloured[1].getAttribute('fill'),
    );
    // The busiest day (4) fills the chart's height; 3 of 4 fill three quarters.
    const heights = coloured.map(r => Number(r.getAttribute('height')));
    expect(heights[0] + heights[1]).toBeCloseTo(36);
    expect(
      within(bars).getByTestId('day-2026-11-02').querySelectorAll('rect'),
    ).toHaveLength(1);

    // No hand-drawn SVG without a role and a label (icons are aria-hidden).
    const drawn = Array.from(document.querySelectorAll('svg')).filter(
      svg => svg.getAttribute('aria-hidden') !== 'true',
    );
    // dev: bars, lead time, failure rate; production: bars only.
    expect(drawn).toHaveLength(4);
    for (const svg of drawn) {
      expect(svg).toHaveAttribute('role', 'img');
      expect(svg.getAttribute('aria-label')).toMatch(/\S/);
    }
  });

  it('says so when nothing was deployed in the window', async () => {
    await render(
      metricsMock(() => ({
        ...response,
        environments: [{ ...production, deployments: 0, daily: daily(30, {}) }],
      })),
    );
    expect(
      await screen.findByText('No deployments in the last 30 days'),
    ).toBeInTheDocument();
    expect(document.querySelector('svg[role="img"]')).toBeNull();
    expect(
      screen.queryByRole('region', { name: /^Metrics for / }),
    ).not.toBeInTheDocument();
  });

  it('says what failed and retries', async () => {
    const user = userEvent.setup();
    let fail = true;
    const getMetrics = metricsMock(() => {
      if (fail) throw new Error('metrics query timed out');
      return response;
    });
    await render(getMetrics);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Could not load the delivery metrics');
    expect(alert).toHaveTextContent('metrics query timed out');
    fail = false;
    await user.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(
      await screen.findByRole('region', { name: 'Metrics for dev' }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(getMetrics).toHaveBeenCalledTimes(2);
  });

  it('shows progress while loading', async () => {
    await render(metricsMock(() => new Promise<MetricsResponse>(() => {})));
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });

  it('refetches with the chosen window', async () => {
    const user = userEvent.setup();
    const getMetrics = metricsMock(query => ({
      ...response,
      days: query.days ?? 30,
      environments: [
        query.days === 7
          ? { ...dev, deployments: 3, daily: daily(7, { 2: [3, 0] }) }
          : dev,
      ],
    }));
    await render(getMetrics);
    await screen.findByRole('img', {
      name: 'dev: 12 deployments in 30 days, 2 failed',
    });
    await user.selectOptions(screen.getByLabelText('Window'), '7');
    expect(
      await screen.findByRole('img', {
        name: 'dev: 3 deployments in 7 days, 0 failed',
      }),
    ).toBeInTheDocument();
    expect(getMetrics).toHaveBeenLastCalledWith({ entity: ENTITY, days: 7 });
    expect(getMetrics).toHaveBeenCalledTimes(2);
  });

  it('starts with the days given and refetches when refreshToken changes', async () => {
    const getMetrics = metricsMock(query => ({
      ...response,
      days: query.days ?? 30,
    }));
    const { api, rerender } = await render(getMetrics, {
      days: 14,
      refreshToken: 1,
    });
    await screen.findByRole('region', { name: 'Metrics for dev' });
    expect(getMetrics).toHaveBeenCalledWith({ entity: ENTITY, days: 14 });
    expect(screen.getByLabelText('Window')).toHaveValue('14');

    rerender(element(api, { days: 14, refreshToken: 2 }));
    await waitFor(() => expect(getMetrics).toHaveBeenCalledTimes(2));
    expect(getMetrics).toHaveBeenLastCalledWith({ entity: ENTITY, days: 14 });
  });
});

describe('metrics formatting', () => {
  it('writes durations and rates for people', () => {
    expect(humanDuration(45)).toBe('45 s');
    expect(humanDuration(600)).toBe('10 min');
    expect(humanDuration(7500)).toBe('2 h 5 min');
    expect(humanDuration(7200)).toBe('2 h');
    expect(humanDuration(93600)).toBe('1 d 2 h');
    expect(humanDuration(undefined)).toBe('—');
    expect(percent(0.25)).toBe('25%');
    expect(percent(0)).toBe('0%');
    expect(percent(0.001)).toBe('<1%');
  });
});
