import { AuthService } from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import { DeploymentRecord, MergeOutcome } from '@shipdeck/plugin-gitops-common';
import { DeploymentStore } from '../database/DeploymentStore';
import { ManifestRepositories } from '../scm/ManifestRepositories';
import { pullRequestNumber } from '../scm/pullRequestNumber';
import { recordPullRequestOutcome } from '../pullRequests/recordPullRequestOutcome';
import {
  DeploymentNotifier,
  silentNotifier,
} from '../signals/DeploymentNotifier';
import { TargetResolver } from '../targets/TargetResolver';
import { actorOf } from './catalogEntities';
import { commitAuthor } from './deploymentRecords';
import { MergePlan, PullRequestService } from './PullRequestService';

type Options = Parameters<PullRequestService['merge']>[1];

/**
 * Merges a local repository's pull request like GitHub's merge button, then
 * moves its records from `pr-opened` to `committed` at the merged commit, so
 * the snapshot refresher follows them through syncing to healthy. Knows
 * nothing of permissions (see AuthorizedPullRequestService).
 */
export class DefaultPullRequestService implements PullRequestService {
  static create(options: {
    auth: AuthService;
    repositories: ManifestRepositories;
    targets: TargetResolver;
    store: DeploymentStore;
    notifier?: DeploymentNotifier;
    /** Told about the merged records, e.g. to have Argo CD look now. */
    afterMerge?: (records: DeploymentRecord[]) => void;
  }) {
    return new DefaultPullRequestService(
      options.auth,
      options.repositories,
      options.targets,
      options.store,
      options.notifier ?? silentNotifier,
      options.afterMerge ?? (() => {}),
    );
  }

  private constructor(
    private readonly auth: AuthService,
    private readonly repositories: ManifestRepositories,
    private readonly targets: TargetResolver,
    private readonly store: DeploymentStore,
    private readonly notifier: DeploymentNotifier,
    private readonly afterMerge: (records: DeploymentRecord[]) => void,
  ) {}

  async planMerge(repository: string, number: number): Promise<MergePlan> {
    const repo = this.repositories.getLocal(repository);
    if (!repo) {
      throw new NotFoundError(`No local manifest repository ${repository}`);
    }
    const pull = (await repo.listPullRequests()).find(p => p.number === number);
    if (!pull) {
      throw new NotFoundError(`No pull request #${number} in ${repository}`);
    }
    if (pull.state !== 'open') {
      throw new ConflictError(
        `Pull request #${number} of ${repository} is already ${pull.state}`,
      );
    }
    // Matched by number rather than by link: links change with the base URL.
    const deployments = (
      await this.store.listForRepository(repository, 'pr-opened')
    ).filter(
      r => r.pullRequestUrl && pullRequestNumber(r.pullRequestUrl) === number,
    );
    if (!deployments.length) {
      // Nothing to authorize against, so nobody may merge it here.
      throw new ConflictError(
        `Pull request #${number} of ${repository} carries no Shipdeck deployment waiting for it; merge it in the repository`,
      );
    }
    const names = new Set(deployments.map(d => d.environment));
    const url = deployments[deployments.length - 1].pullRequestUrl!;
    return {
      repository,
      pullRequest: { number, url, state: 'open' },
      deployments,
      environments: this.targets
        .listEnvironments()
        .filter(e => names.has(e.name)),
    };
  }

  async merge(plan: MergePlan, options: Options): Promise<MergeOutcome> {
    const repo = this.repositories.getLocal(plan.repository)!;
    const actor = actorOf(this.auth, options.credentials);
    const { sha } = await repo.mergePullRequest(
      plan.pullRequest.number,
      commitAuthor(actor),
    );
    const message = `Merged pull request #${plan.pullRequest.number} as ${sha}`;
    const deployments = await recordPullRequestOutcome(
      this.store,
      this.notifier,
      plan.deployments,
      { merged: true, commitSha: sha, message },
    );
    this.afterMerge(deployments);
    return {
      message,
      pullRequest: { ...plan.pullRequest, state: 'merged' },
      commitSha: sha,
      deployments,
    };
  }
}
