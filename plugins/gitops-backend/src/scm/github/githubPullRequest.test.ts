import {
  checksOfRuns,
  checksOfStatus,
  reviewOf,
  worstChecks,
} from './githubPullRequest';

const by = (login: string, state: string) => ({ user: { login }, state });

describe('a GitHub pull request’s review and checks', () => {
  it('takes each reviewer’s latest decision; changes requested wins', () => {
    expect(reviewOf([])).toBeUndefined();
    expect(reviewOf([by('ann', 'COMMENTED')])).toBeUndefined();
    expect(reviewOf([by('ann', 'APPROVED'), by('ann', 'COMMENTED')])).toBe(
      'approved',
    );
    expect(
      reviewOf([by('ann', 'APPROVED'), by('bob', 'CHANGES_REQUESTED')]),
    ).toBe('changes-requested');
    expect(
      reviewOf([by('bob', 'CHANGES_REQUESTED'), by('bob', 'APPROVED')]),
    ).toBe('approved');
    expect(reviewOf([by('ann', 'APPROVED'), by('ann', 'DISMISSED')])).toBe(
      undefined,
    );
  });

  it('reads check runs: running is pending, failed conclusions fail', () => {
    expect(checksOfRuns([])).toBeUndefined();
    expect(
      checksOfRuns([
        { status: 'completed', conclusion: 'success' },
        { status: 'completed', conclusion: 'skipped' },
      ]),
    ).toBe('passing');
    expect(
      checksOfRuns([
        { status: 'completed', conclusion: 'success' },
        { status: 'in_progress', conclusion: null },
      ]),
    ).toBe('pending');
    expect(
      checksOfRuns([
        { status: 'queued', conclusion: null },
        { status: 'completed', conclusion: 'timed_out' },
      ]),
    ).toBe('failing');
  });

  it('reads the combined status; none is no checks, not pending', () => {
    expect(
      checksOfStatus({ state: 'pending', total_count: 0 }),
    ).toBeUndefined();
    expect(checksOfStatus({ state: 'pending', total_count: 2 })).toBe(
      'pending',
    );
    expect(checksOfStatus({ state: 'success', total_count: 1 })).toBe(
      'passing',
    );
    expect(checksOfStatus({ state: 'failure', total_count: 1 })).toBe(
      'failing',
    );
    expect(checksOfStatus({ state: 'error', total_count: 1 })).toBe('failing');
  });

  it('combines check runs and statuses by the worst of them', () => {
    expect(worstChecks([undefined, undefined])).toBeUndefined();
    expect(worstChecks(['passing', undefined])).toBe('passing');
    expect(worstChecks(['passing', 'pending'])).toBe('pending');
    expect(worstChecks(['pending', 'failing'])).toBe('failing');
  });
});
