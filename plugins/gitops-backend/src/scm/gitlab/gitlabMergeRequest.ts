import { PullRequestObservation } from '../ManifestRepository';

/** The fields Shipdeck reads of GitLab's merge request answer. */
export interface GitLabMergeRequestFields {
  state: string;
  sha?: string | null;
  merge_commit_sha?: string | null;
  squash_commit_sha?: string | null;
  head_pipeline?: { status?: string } | null;
}

/** The fields Shipdeck reads of GET /merge_requests/:iid/approvals. */
export interface GitLabApprovalFields {
  approved?: boolean;
  approved_by?: unknown[];
}

/** GitLab's pipeline statuses as Shipdeck's checks; manual and skipped say nothing. */
export function pipelineChecks(
  status: string | undefined,
): PullRequestObservation['checks'] {
  switch (status) {
    case 'success':
      return 'passing';
    case 'failed':
    case 'canceled':
      return 'failing';
    case 'created':
    case 'waiting_for_resource':
    case 'preparing':
    case 'pending':
    case 'running':
    case 'scheduled':
      return 'pending';
    default:
      return undefined;
  }
}

/**
 * What a merge request says now: merged (with the commit the target got:
 * the merge commit, else the squash commit, else the head when
 * fast-forwarded), closed, or open with its approval and head pipeline.
 */
export function mergeRequestObservation(
  mr: GitLabMergeRequestFields,
  approvals: GitLabApprovalFields,
): PullRequestObservation {
  const headSha = mr.sha ?? undefined;
  if (mr.state === 'merged') {
    return {
      state: 'merged',
      headSha,
      mergeCommitSha:
        mr.merge_commit_sha ?? mr.squash_commit_sha ?? headSha ?? undefined,
    };
  }
  if (mr.state === 'closed') return { state: 'closed', headSha };
  const approved =
    approvals.approved === true && (approvals.approved_by ?? []).length > 0;
  return {
    state: 'open',
    headSha,
    ...(approved ? { review: 'approved' as const } : {}),
    ...(pipelineChecks(mr.head_pipeline?.status)
      ? { checks: pipelineChecks(mr.head_pipeline?.status) }
      : {}),
  };
}
