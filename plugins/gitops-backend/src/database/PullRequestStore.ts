import { PullRequestObservation } from '../scm/ManifestRepository';

/** The key of a pull request in {@link PullRequestStore.getMany}'s answer. */
export const pullRequestKey = (repository: string, number: number) =>
  `${repository}#${number}`;

/**
 * What Shipdeck last learned about the pull requests it opened, shared by
 * every replica: the page shows review and checks from here, and the next
 * look sends the ETags kept here.
 */
export interface PullRequestStore {
  /** Repositories with deployment records still waiting for a pull request. */
  waitingRepositories(): Promise<string[]>;
  get(
    repository: string,
    number: number,
  ): Promise<PullRequestObservation | undefined>;
  /** Observations keyed by {@link pullRequestKey}. */
  getMany(
    pulls: Array<{ repository: string; number: number }>,
  ): Promise<Map<string, PullRequestObservation>>;
  /** Open pull requests of a repository whose head is this commit. */
  numbersWithHead(repository: string, sha: string): Promise<number[]>;
  put(
    repository: string,
    number: number,
    observed: PullRequestObservation,
  ): Promise<void>;
}
