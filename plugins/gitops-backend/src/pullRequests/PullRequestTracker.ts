import { LoggerService } from '@backstage/backend-plugin-api';
import { DeploymentRecord } from '@shipdeck/plugin-gitops-common';
import { DeploymentStore } from '../database/DeploymentStore';
import { ManifestRepositories } from '../scm/ManifestRepositories';
import {
  ManifestRepository,
  PullRequestObservation,
} from '../scm/ManifestRepository';
import { pullRequestNumber } from '../scm/pullRequestNumber';
import { DeploymentNotifier, signalOf } from '../signals/DeploymentNotifier';
import { PullRequestStore } from '../database/PullRequestStore';
import { recordPullRequestOutcome } from './recordPullRequestOutcome';

/** Records waiting for one pull request, grouped by its number. */
function byNumber(records: DeploymentRecord[]) {
  const groups = new Map<number, DeploymentRecord[]>();
  for (const record of records) {
    const number = record.pullRequestUrl
      ? pullRequestNumber(record.pullRequestUrl)
      : undefined;
    if (number !== undefined) {
      groups.set(number, [...(groups.get(number) ?? []), record]);
    }
  }
  return groups;
}

/**
 * Learns what became of the pull requests Shipdeck opened, whoever merged or
 * closed them and wherever: a scheduled look at every one still awaited
 * (conditional requests on GitHub, so an unchanged one costs a 304), and
 * {@link PullRequestTracker.lookAt} when a webhook says some changed.
 * Merged or closed moves their records on; review and checks are kept for
 * the page.
 */
export class PullRequestTracker {
  constructor(
    private readonly repositories: ManifestRepositories,
    private readonly store: DeploymentStore,
    private readonly pullRequests: PullRequestStore,
    private readonly notifier: DeploymentNotifier,
    private readonly logger: LoggerService,
    /** Told about merged records, e.g. to have Argo CD look now. */
    private readonly afterMerge: (
      records: DeploymentRecord[],
    ) => void = () => {},
  ) {}

  /** One look at every pull request some record still waits for. */
  async lookAll(): Promise<void> {
    for (const repository of await this.pullRequests.waitingRepositories()) {
      await this.lookAt(repository);
    }
  }

  /**
   * Looks at a repository's awaited pull requests now (only `numbers` when
   * given). A failure is logged per pull request: one that cannot be read
   * does not hold the others up.
   */
  async lookAt(repository: string, numbers?: number[]): Promise<void> {
    let repo: ManifestRepository;
    try {
      repo = this.repositories.get(repository);
    } catch (error) {
      this.logger.warn(
        `Pull requests of ${repository} not looked at: ${error}`,
      );
      return;
    }
    if (!repo.readPullRequest) return;
    const waiting = byNumber(
      await this.store.listForRepository(repository, 'pr-opened'),
    );
    for (const [number, records] of waiting) {
      if (numbers && !numbers.includes(number)) continue;
      try {
        await this.#look(repo, number, records);
      } catch (error) {
        this.logger.warn(
          `Could not look at pull request #${number} of ${repository}: ${error}`,
        );
      }
    }
  }

  async #look(
    repo: ManifestRepository,
    number: number,
    records: DeploymentRecord[],
  ) {
    const previous = await this.pullRequests.get(repo.id, number);
    const now = await repo.readPullRequest!(number, previous);
    await this.pullRequests.put(repo.id, number, now);
    if (now.state === 'merged' && now.mergeCommitSha) {
      const moved = await recordPullRequestOutcome(
        this.store,
        this.notifier,
        records,
        {
          merged: true,
          commitSha: now.mergeCommitSha,
          message: `Pull request #${number} was merged outside Shipdeck as ${now.mergeCommitSha}`,
        },
      );
      this.logger.info(
        `Pull request #${number} of ${repo.id} was merged as ${now.mergeCommitSha}; ${moved.length} deployment(s) move on`,
      );
      this.afterMerge(moved);
    } else if (now.state === 'closed') {
      await recordPullRequestOutcome(this.store, this.notifier, records, {
        merged: false,
        message: `Pull request #${number} was closed without merging; nothing was deployed`,
      });
    } else if (reviewOrChecksChanged(previous, now)) {
      // The page shows review and checks next to the link: refetch.
      await this.notifier.notify(records.map(signalOf));
    }
  }
}

function reviewOrChecksChanged(
  before: PullRequestObservation | undefined,
  after: PullRequestObservation,
) {
  return before?.review !== after.review || before?.checks !== after.checks;
}
