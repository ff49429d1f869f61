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
import { DeliveryMetricsStrip, MetricsSelection } from './DeliveryMetricsStrip';

function environment(
  name: string,
  figures: Partial<EnvironmentMetrics> = {},
): EnvironmentMetrics {
  return {
    environment: name,
    deployments: 0,
    deploymentsPerWeek: 0,
    daily: [],
    ...figures,
  };
}

const response = (days: number): MetricsResponse => ({
  entities: 4,
  from: '2026-11-01T00:00:00Z',
  to: '2026-11-28T10:00:00Z',
  days,
  environments: [
    environment('production', {
      deployments: 3,
      deploymentsPerWeek: 0.7,
      changeFailureRate: { failed: 1, total: 3, rate: 0.3333 },
      timeToRestore: { medianSeconds: 720, samples: 2 },
    }),
    environment('dev', {
      deployments: 12,
      deploymentsPerWeek: 2.8,
      outsideSyncs: 2,
      leadTime: { medianSeconds: 300, p90Seconds: 900, samples: 10 },
      changeFailureRate: { failed: 0, total: 10, rate: 0 },
    }),
  ],
});

async function render(
  getMetrics: GitopsApi['getMetrics'],
  selection: MetricsSelection = {},
) {
  await renderInTestApp(
    <TestApiProvider apis={[[gitopsApiRef, mockGitopsApi({ getMetrics })]]}>
      <DeliveryMetricsStrip
        selection={selection}
        environments={['dev', 'staging', 'production']}
      />
    </TestApiProvider>,
  );
}

describe('DeliveryMetricsStrip', () => {
  it('asks for what the filters select and shows the four figures per environment in pipeline order', async () => {
    const getMetrics = jest.fn(async (q: any) => response(q.days));
    await render(getMetrics, { owner: 'team-shop', system: 'shop' });
    const list = await screen.findByRole('list', {
      name: 'Delivery metrics per environment',
    });
    expect(
      within(list)
        .getAllByRole('listitem')
        .map(item => item.getAttribute('aria-label')),
    ).toEqual(['dev', 'production']);
    expect(getMetrics).toHaveBeenCalledWith({
      owner: 'team-shop',
      system: 'shop',
      environment: undefined,
      days: 30,
    });

    const dev = within(screen.getByRole('listitem', { name: 'dev' }));
    expect(
      dev.getByRole('group', { name: 'Deployment frequency' }),
    ).toHaveTextContent('2.8 / week12 deployments, 2 outside Shipdeck');
    expect(dev.getByRole('group', { name: 'Lead time' })).toHaveTextContent(
      '5 minmedian; p90 15 min',
    );
    expect(
      dev.getByRole('group', { name: 'Time to restore' }),
    ).toHaveTextContent('—no incidents');

    const production = within(
      screen.getByRole('listitem', { name: 'production' }),
    );
    expect(
      production.getByRole('group', { name: 'Change failure rate' }),
    ).toHaveTextContent('33%1 of 3 failed');
    expect(
      production.getByRole('group', { name: 'Time to restore' }),
    ).toHaveTextContent('12 minmedian, 2 incidents');
    expect(
      screen.getByText(/4 services selected by the filters/),
    ).toBeInTheDocument();
  });

  it('changes the window', async () => {
    const user = userEvent.setup();
    const getMetrics = jest.fn(async (q: any) => response(q.days));
    await render(getMetrics, { environment: 'dev' });
    await screen.findByRole('list', {
      name: 'Delivery metrics per environment',
    });
    await user.selectOptions(screen.getByLabelText('Window'), '7');
    await waitFor(() =>
      expect(getMetrics).toHaveBeenLastCalledWith({
        owner: undefined,
        system: undefined,
        environment: 'dev',
        days: 7,
      }),
    );
  });

  it('says what failed and retries', async () => {
    const user = userEvent.setup();
    let fail = true;
    const getMetrics = jest.fn(async (q: any) => {
      if (fail) throw new Error('metrics store unavailable');
      return response(q.days);
    });
    await render(getMetrics);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Could not load the delivery metrics');
    expect(alert).toHaveTextContent('metrics store unavailable');
    fail = false;
    await user.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(
      await screen.findByRole('listitem', { name: 'dev' }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });
});
