import { PullRequestObservation } from '../ManifestRepository';

/**
 * A GET that sends `If-None-Match` with the ETag remembered under `key`;
 * on GitHub's 304 (which does not count against the rate limit) it returns
 * what `project` took from the earlier answer.
 */
export type ConditionalGet = <T>(
  key: string,
  route: string,
  params: Record<string, unknown>,
  project: (data: any) => T,
) => Promise<T>;

type Checks = PullRequestObservation['checks'];

const CHECK_ORDER: Array<NonNullable<Checks>> = [
  'failing',
  'pending',
  'passing',
];

/** The worst of several check states: failing, then pending, then passing. */
export function worstChecks(states: Checks[]): Checks {
  return CHECK_ORDER.find(state => states.includes(state));
}

/** Review from the latest decisive review of each reviewer. */
export function reviewOf(
  reviews: Array<{ user?: { login?: string } | null; state: string }>,
): PullRequestObservation['review'] {
  const latest = new Map<string, string>();
  for (const review of reviews) {
    // Comments do not change a reviewer's decision; a dismissal withdraws it.
    if (['APPROVED', 'CHANGES_REQUESTED', 'DISMISSED'].includes(review.state)) {
      latest.set(review.user?.login ?? '', review.state);
    }
  }
  const states = [...latest.values()];
  if (states.includes('CHANGES_REQUESTED')) return 'changes-requested';
  if (states.includes('APPROVED')) return 'approved';
  return undefined;
}

const FAILED_CONCLUSIONS = [
  'failure',
  'timed_out',
  'cancelled',
  'action_required',
  'startup_failure',
];

/** Check runs (GitHub Actions and other apps) of the head commit. */
export function checksOfRuns(
  runs: Array<{ status: string; conclusion: string | null }>,
): Checks {
  return worstChecks(
    runs.map(run => {
      if (run.status !== 'completed') return 'pending';
      return FAILED_CONCLUSIONS.includes(run.conclusion ?? '')
        ? 'failing'
        : 'passing';
    }),
  );
}

/** Commit statuses (older CI integrations) of the head commit. */
export function checksOfStatus(combined: {
  state: string;
  total_count: number;
}): Checks {
  // GitHub calls a commit without statuses `pending`: it has none.
  if (!combined.total_count) return undefined;
  if (combined.state === 'success') return 'passing';
  return combined.state === 'pending' ? 'pending' : 'failing';
}

/**
 * A GitHub pull request's state, review and checks: four conditional
 * requests (the pull request, its reviews, the head commit's check runs and
 * combined status), each a 304 when nothing changed. Once it is merged or
 * closed only the pull request itself is read.
 */
export async function readGitHubPullRequest(
  get: ConditionalGet,
  number: number,
  previous?: PullRequestObservation,
): Promise<PullRequestObservation> {
  const pull = await get(
    'pull',
    'GET /repos/{owner}/{repo}/pulls/{pull_number}',
    { pull_number: number },
    data => ({
      state: (data.merged ? 'merged' : data.state) as
        | 'open'
        | 'closed'
        | 'merged',
      headSha: data.head.sha as string,
      mergeCommitSha: data.merged
        ? (data.merge_commit_sha as string)
        : undefined,
    }),
  );
  if (pull.state !== 'open') {
    return {
      ...pull,
      review: previous?.review,
      checks: previous?.checks,
    };
  }
  const ref = pull.headSha;
  const [review, runs, status] = await Promise.all([
    get(
      'reviews',
      'GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews',
      { pull_number: number, per_page: 100 },
      reviewOf,
    ),
    get(
      'check-runs',
      'GET /repos/{owner}/{repo}/commits/{ref}/check-runs',
      { ref, per_page: 100 },
      data => checksOfRuns(data.check_runs),
    ),
    get(
      'status',
      'GET /repos/{owner}/{repo}/commits/{ref}/status',
      { ref },
      checksOfStatus,
    ),
  ]);
  return { ...pull, review, checks: worstChecks([runs, status]) };
}
