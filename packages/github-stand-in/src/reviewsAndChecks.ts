import {
  nodeId,
  Origins,
  RepoInfo,
  repoUrls,
  simpleUser,
  StandInUser,
} from './shapes';

/**
 * Reviews, check runs and commit statuses: what GitHub shows as a pull
 * request's review and checks, kept in memory like pull requests, with
 * builders for their REST shapes (`pull-request-review`, `check-run`,
 * `status`, `combined-commit-status` in GitHub's OpenAPI description).
 */

export interface ReviewRecord {
  id: number;
  pullNumber: number;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED';
  body: string;
  commitId: string;
  submittedAt: string;
  /** The reviewer's login; the stand-in's user unless a test says otherwise. */
  login: string;
}

export interface CheckRunRecord {
  id: number;
  headSha: string;
  name: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: string | null;
  startedAt: string;
  completedAt: string | null;
}

export interface StatusRecord {
  id: number;
  sha: string;
  state: 'error' | 'failure' | 'pending' | 'success';
  context: string;
  description: string | null;
  targetUrl: string | null;
  createdAt: string;
}

export const REVIEW_EVENTS: Record<string, ReviewRecord['state']> = {
  APPROVE: 'APPROVED',
  REQUEST_CHANGES: 'CHANGES_REQUESTED',
  COMMENT: 'COMMENTED',
};

export const CHECK_CONCLUSIONS = [
  'action_required',
  'cancelled',
  'failure',
  'neutral',
  'success',
  'skipped',
  'stale',
  'timed_out',
];

export function review(
  record: ReviewRecord,
  info: RepoInfo,
  user: StandInUser,
  origins: Origins,
) {
  const urls = repoUrls(info, origins);
  const pullUrl = `${urls.api}/pulls/${record.pullNumber}`;
  const htmlUrl = `${urls.html}/pull/${record.pullNumber}#pullrequestreview-${record.id}`;
  return {
    id: record.id,
    node_id: nodeId('PRR', record.id),
    user: simpleUser({ ...user, login: record.login }, origins),
    body: record.body,
    state: record.state,
    html_url: htmlUrl,
    pull_request_url: pullUrl,
    _links: { html: { href: htmlUrl }, pull_request: { href: pullUrl } },
    submitted_at: record.submittedAt,
    commit_id: record.commitId,
    author_association: 'OWNER',
  };
}

export function checkRun(
  record: CheckRunRecord,
  info: RepoInfo,
  origins: Origins,
) {
  const urls = repoUrls(info, origins);
  return {
    id: record.id,
    head_sha: record.headSha,
    node_id: nodeId('CR', record.id),
    external_id: '',
    url: `${urls.api}/check-runs/${record.id}`,
    html_url: `${urls.html}/runs/${record.id}`,
    details_url: `${urls.html}/runs/${record.id}`,
    status: record.status,
    conclusion: record.conclusion,
    started_at: record.startedAt,
    completed_at: record.completedAt,
    output: {
      title: null,
      summary: null,
      text: null,
      annotations_count: 0,
      annotations_url: `${urls.api}/check-runs/${record.id}/annotations`,
    },
    name: record.name,
    check_suite: { id: record.id },
    app: null,
    pull_requests: [],
  };
}

export function commitStatus(
  record: StatusRecord,
  info: RepoInfo,
  user: StandInUser,
  origins: Origins,
) {
  const urls = repoUrls(info, origins);
  return {
    url: `${urls.api}/statuses/${record.sha}`,
    avatar_url: `${origins.html}/${user.login}.png`,
    id: record.id,
    node_id: nodeId('SC', record.id),
    state: record.state,
    description: record.description,
    target_url: record.targetUrl,
    context: record.context,
    created_at: record.createdAt,
    updated_at: record.createdAt,
  };
}

/**
 * GitHub's combined status: the latest status per context; `failure` if any
 * errored or failed, `pending` if any is pending (or there are none),
 * `success` otherwise.
 */
export function combinedStatus(
  sha: string,
  statuses: StatusRecord[],
  info: RepoInfo,
  user: StandInUser,
  origins: Origins,
  repository: object,
) {
  const latest = new Map<string, StatusRecord>();
  for (const status of [...statuses].sort((a, b) => a.id - b.id)) {
    latest.set(status.context, status);
  }
  const states = [...latest.values()].map(s => s.state);
  let state = 'success';
  if (states.some(s => s === 'error' || s === 'failure')) {
    state = 'failure';
  } else if (!states.length || states.includes('pending')) {
    state = 'pending';
  }
  const urls = repoUrls(info, origins);
  return {
    state,
    statuses: [...latest.values()]
      .reverse()
      .map(s => ({ ...commitStatus(s, info, user, origins), required: false })),
    sha,
    total_count: latest.size,
    repository,
    commit_url: `${urls.api}/commits/${sha}`,
    url: `${urls.api}/commits/${sha}/status`,
  };
}
