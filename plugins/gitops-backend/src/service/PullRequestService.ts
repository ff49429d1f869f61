import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  DeploymentRecord,
  Environment,
  MergeOutcome,
  PullRequestInfo,
} from '@shipdeck/plugin-gitops-common';

/** A merge decided before anything is authorized or written. */
export interface MergePlan {
  repository: string;
  pullRequest: PullRequestInfo;
  /** The records waiting for this pull request: what the merge deploys. */
  deployments: DeploymentRecord[];
  /** The environments they deploy to, for the permission each needs. */
  environments: Environment[];
}

type Options = { credentials: BackstageCredentials };

/**
 * Merging Shipdeck's pull requests of local manifest repositories (GitHub
 * pull requests are merged on GitHub, where its branch protection applies).
 */
export interface PullRequestService {
  planMerge(
    repository: string,
    number: number,
    options: Options,
  ): Promise<MergePlan>;
  merge(plan: MergePlan, options: Options): Promise<MergeOutcome>;
}
