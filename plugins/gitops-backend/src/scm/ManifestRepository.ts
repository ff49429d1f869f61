import { SourceCommit } from '@shipdeck/plugin-gitops-common';

/** A file to write in a commit, as its full new content. */
export interface FileChange {
  path: string;
  content: string;
}

/** Who a commit is attributed to. */
export interface CommitAuthor {
  name: string;
  email: string;
}

/** A pull request (or its local equivalent) carrying a change set. */
export interface PullRequestRef {
  number: number;
  url: string;
  state: 'open' | 'closed' | 'merged';
  /** True when this call opened it; false when an open one was updated. */
  created: boolean;
}

/**
 * What a pull request's host says about a pull request now, and what makes
 * the next look cheap.
 */
export interface PullRequestObservation {
  state: 'open' | 'closed' | 'merged';
  headSha?: string;
  /** The commit the base branch got from it, once merged. */
  mergeCommitSha?: string;
  review?: 'approved' | 'changes-requested';
  checks?: 'passing' | 'failing' | 'pending';
  /**
   * Per resource read, its ETag and what Shipdeck took from the answer, so
   * the next read is conditional and a 304 reuses it.
   */
  cache?: Record<string, { etag: string; value: unknown }>;
}

/**
 * The branch moved between reading it and writing to it. Callers re-read,
 * re-apply their edits and try again (a bounded number of times).
 */
export class StaleBranchError extends Error {
  readonly name = 'StaleBranchError';
  constructor(readonly branch: string, readonly expected: string) {
    super(`Branch ${branch} is no longer at ${expected}`);
  }
}

/**
 * A Kubernetes manifest repository Shipdeck writes to. Implementations:
 * GitHub (Git Data API, no clone), GitLab (commits API, no clone) and local
 * Git (a repository on disk).
 * Every write is a compare-and-swap: on the branch head (GitHub, local
 * Git) or on every file it writes (GitLab, see GitLabManifestRepository).
 */
export interface ManifestRepository {
  /** The repository as configured, e.g. `github.com/acme/deploy` or `local:demo`. */
  readonly id: string;

  /** The commit a branch points at; a NotFoundError when the branch does not exist. */
  getHead(branch: string): Promise<string>;

  /** A file's content at a commit, or undefined when the file does not exist there. */
  readFile(commit: string, path: string): Promise<string | undefined>;

  /**
   * Files' contents at one commit, by path; undefined for a path that is
   * not a file there. Costs a constant number of requests however many
   * paths (a release of a hundred services reads a hundred files).
   */
  readFiles(
    commit: string,
    paths: string[],
  ): Promise<Map<string, string | undefined>>;

  /**
   * Every file under `folder` at a commit, recursively, as repository paths
   * (`''` for the whole repository); empty when there is no such folder.
   * Symbolic links and submodules are not files here. For manifest
   * locations that are a folder or a glob.
   */
  listFiles(commit: string, folder: string): Promise<string[]>;

  /**
   * Writes one commit with all `files` on top of `parent` without moving any
   * branch; used for pull requests, whose branch then points at it.
   */
  createCommit(options: {
    parent: string;
    message: string;
    files: FileChange[];
    author: CommitAuthor;
    /**
     * The pull request branch the commit is for. A host that only writes
     * commits onto a branch (GitLab) writes it there, force-updating that
     * branch as {@link ManifestRepository.openOrUpdatePullRequest} would.
     */
    branch?: string;
  }): Promise<{ sha: string }>;

  /**
   * Writes one commit with all `files` on top of `parent` and moves the
   * existing `branch` to it only if the branch is still at `parent`
   * (fast-forward); otherwise throws {@link StaleBranchError} and the branch
   * is unchanged.
   */
  commitFiles(options: {
    branch: string;
    parent: string;
    message: string;
    files: FileChange[];
    author: CommitAuthor;
  }): Promise<{ sha: string }>;

  /**
   * Points `head` at `sha` for a pull request's branch (creating or
   * force-updating it; it is Shipdeck's own deterministic branch), then
   * opens a pull request from `head` into `base`, or updates the open one
   * with the same head and base instead of opening another.
   */
  openOrUpdatePullRequest(options: {
    head: string;
    base: string;
    sha: string;
    title: string;
    body: string;
  }): Promise<PullRequestRef>;

  /**
   * The commit a tag points to (an annotated tag is peeled); a NotFoundError
   * when the tag does not exist. Deploy tags of a service's source
   * repository are resolved with it.
   */
  resolveTag(tag: string): Promise<string>;

  /**
   * Looks at one of the repository's pull requests: merged or closed
   * outside Shipdeck, its review and its checks. `previous` is the last
   * observation, for conditional requests. Optional: a repository without
   * it is left to Shipdeck's own merge route.
   */
  readPullRequest?(
    number: number,
    previous?: PullRequestObservation,
  ): Promise<PullRequestObservation>;

  /**
   * The commits reachable from `head` and not from `base` (each a tag, a
   * branch or a commit SHA), newest first, at most `limit` of `total`; a
   * NotFoundError when either does not exist. For a service's source
   * repository: what changed between two versions. Optional: a repository
   * without it offers no compare list.
   */
  compareCommits?(
    base: string,
    head: string,
    limit: number,
  ): Promise<{ commits: SourceCommit[]; total: number; url?: string }>;

  /** Link to a commit for people, when the repository has a web UI. */
  commitUrl(sha: string): string | undefined;

  /**
   * Link to a file on a branch, when the repository has one; Backstage's
   * URL readers read it (e.g. the catalog registering a new service).
   */
  fileUrl(branch: string, path: string): string | undefined;
}
