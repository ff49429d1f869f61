/**
 * One commit of a service's source repository, as the promote and deploy
 * dialogs list it.
 *
 * @public
 */
export interface SourceCommit {
  sha: string;
  /** The first line of the commit message. */
  title: string;
  /** The author's name as Git records it. */
  author: string;
  /** The author's account on the host, when the host knows it (GitHub). */
  login?: string;
  /** When it was authored (ISO 8601). */
  date?: string;
  /** Link to the commit for people. */
  url?: string;
}

/**
 * Response of `GET /entities/{namespace}/{kind}/{name}/source-changes?from=&to=`:
 * the source commits between two versions of the service.
 *
 * @public
 */
export interface SourceChangesResponse {
  /** The entity's `shipdeck.io/source-repo`. */
  repository: string;
  from: string;
  to: string;
  /**
   * False when the commits cannot be listed; `reason` says why (no source
   * repository, a version that maps to no commit, a repository that cannot
   * compare). The dialogs then say so instead of a list.
   */
  available: boolean;
  reason?: string;
  /** The Git refs the versions mapped to (a tag, or a commit SHA). */
  fromRef?: string;
  toRef?: string;
  /** Newest first, at most `limit`. */
  commits: SourceCommit[];
  /** How many commits lie between the two, also beyond the list. */
  total: number;
  /** The comparison on the host, e.g. GitHub's compare page. */
  url?: string;
}
