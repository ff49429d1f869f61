/**
 * Where a manifest repository is hosted: it decides what its change
 * requests are called.
 *
 * @public
 */
export type RepositoryProvider = 'github' | 'gitlab' | 'local';

/**
 * The words for a repository's change requests: GitHub's (and a local
 * repository's) pull requests, GitLab's merge requests.
 *
 * @public
 */
export interface ChangeRequestTerms {
  /** In a sentence, e.g. "opens a merge request". */
  noun: 'pull request' | 'merge request';
  /** At the start of a sentence or a title. */
  title: 'Pull request' | 'Merge request';
  /** Short form, e.g. "MR". */
  short: 'PR' | 'MR';
  /** How the host refers to one, e.g. `!12` on GitLab, `#12` on GitHub. */
  reference(number: number): string;
}

const PULL_REQUESTS: ChangeRequestTerms = {
  noun: 'pull request',
  title: 'Pull request',
  short: 'PR',
  reference: number => `#${number}`,
};

const MERGE_REQUESTS: ChangeRequestTerms = {
  noun: 'merge request',
  title: 'Merge request',
  short: 'MR',
  reference: number => `!${number}`,
};

/**
 * The words for a provider's change requests; pull requests unless it is
 * GitLab (and while the provider is not known yet).
 *
 * @public
 */
export function changeRequestTerms(
  provider?: RepositoryProvider,
): ChangeRequestTerms {
  return provider === 'gitlab' ? MERGE_REQUESTS : PULL_REQUESTS;
}
