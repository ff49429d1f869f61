import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { LocalPullRequest } from '../scm/local/LocalGitManifestRepository';

type Options = { credentials: BackstageCredentials };

/**
 * What the links to a local manifest repository show (local repositories
 * have no web UI): a commit, a file on a branch, a pull request. Each is a
 * read of the repository, allowed to whoever may read an entity whose
 * manifests live there.
 */
export interface LocalRepositoryService {
  /** The commit as `git show` prints it. */
  showCommit(
    repository: string,
    sha: string,
    options: Options,
  ): Promise<string>;
  /** A file's content at the head of a branch. */
  readFile(
    repository: string,
    path: string,
    branch: string,
    options: Options,
  ): Promise<string>;
  getPullRequest(
    repository: string,
    number: number,
    options: Options,
  ): Promise<LocalPullRequest>;
}
