import { isAwaitingReview, isOverviewProblem } from './overviewRows';
import { DeploymentRecord, OverviewRow } from './types';

const row = (extra: Partial<OverviewRow>): OverviewRow => ({
  entityRef: 'component:default/quotes',
  title: 'quotes',
  environment: 'production',
  order: 2,
  ...extra,
});
const record = (status: 'pr-opened' | 'committed'): DeploymentRecord => ({
  id: '1',
  entityRef: 'component:default/quotes',
  environment: 'production',
  action: 'deploy',
  actor: 'user:default/guest',
  toVersion: '1.0.0',
  status,
  createdAt: '2026-11-28T08:00:00Z',
  steps: [],
});

describe('isOverviewProblem', () => {
  it('treats a missing Application as a problem unless its pull request awaits review', () => {
    expect(isOverviewProblem(row({}))).toBe(true);
    expect(
      isOverviewProblem(row({ lastDeployment: record('committed') })),
    ).toBe(true);
    const waiting = row({ lastDeployment: record('pr-opened') });
    expect(isAwaitingReview(waiting)).toBe(true);
    expect(isOverviewProblem(waiting)).toBe(false);
  });

  it('asks for a look at anything but healthy, in sync and fresh', () => {
    const status = {
      sync: 'Synced' as const,
      health: 'Healthy' as const,
      images: [],
      observedAt: '2026-11-28T08:00:00Z',
      stale: false,
    };
    expect(isOverviewProblem(row({ status }))).toBe(false);
    expect(isOverviewProblem(row({ status: { ...status, stale: true } }))).toBe(
      true,
    );
    expect(
      isOverviewProblem(row({ status: { ...status, sync: 'OutOfSync' } })),
    ).toBe(true);
    expect(
      isOverviewProblem(row({ status: { ...status, health: 'Degraded' } })),
    ).toBe(true);
    // A pending pull request of a running environment does not hide a problem.
    expect(
      isAwaitingReview(
        row({
          status: { ...status, health: 'Degraded' },
          lastDeployment: record('pr-opened'),
        }),
      ),
    ).toBe(false);
  });
});
