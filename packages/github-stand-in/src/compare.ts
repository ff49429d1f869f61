import express from 'express';
import { ApiError, notFound } from './errors';
import { CommitObject, git } from './git';
import { nodeId, Origins, RepoInfo, repoUrls } from './shapes';
import { StandInRepository } from './StandInRepository';

/** GitHub lists at most this many commits in a comparison (its documented cap). */
export const COMPARE_COMMIT_LIMIT = 250;

const COMPARE_DOCS =
  'https://docs.github.com/rest/commits/commits#compare-two-commits';

type Handler = (
  req: express.Request,
  res: express.Response,
  ctx: { repo: StandInRepository; origins: Origins },
) => Promise<void>;

/**
 * A commit as the REST commits API shows it (`commit` in GitHub's
 * description), not the Git Data API's `git-commit`: the Git data sits under
 * `commit`, and `author`/`committer` are GitHub accounts, which the
 * stand-in does not map from e-mail addresses (GitHub sends null then).
 */
export function restCommit(
  commit: CommitObject,
  info: RepoInfo,
  origins: Origins,
) {
  const { api: repoUrl, html: htmlUrl } = repoUrls(info, origins);
  return {
    url: `${repoUrl}/commits/${commit.sha}`,
    sha: commit.sha,
    node_id: nodeId('C', commit.sha),
    html_url: `${htmlUrl}/commit/${commit.sha}`,
    comments_url: `${repoUrl}/commits/${commit.sha}/comments`,
    commit: {
      url: `${repoUrl}/git/commits/${commit.sha}`,
      author: commit.author,
      committer: commit.committer,
      message: commit.message.replace(/\n$/, ''),
      comment_count: 0,
      tree: {
        sha: commit.tree,
        url: `${repoUrl}/git/trees/${commit.tree}`,
      },
    },
    author: null,
    committer: null,
    parents: commit.parents.map(sha => ({
      sha,
      url: `${repoUrl}/commits/${sha}`,
      html_url: `${htmlUrl}/commit/${sha}`,
    })),
  };
}

/** A commit-ish of `base...head`: a branch, a tag or a commit SHA. */
async function resolve(repo: StandInRepository, ref: string): Promise<string> {
  try {
    return await repo.resolveCommitish(ref);
  } catch (error) {
    if (error instanceof ApiError) throw notFound(COMPARE_DOCS);
    throw error;
  }
}

/**
 * `GET /repos/{owner}/{repo}/compare/{basehead}` (`base...head`): the
 * commits reachable from head and not from base, oldest first (as GitHub
 * lists them), at most {@link COMPARE_COMMIT_LIMIT}, with how far head is
 * ahead and behind. Files are not listed (GitHub's `files` is optional).
 */
export function addCompareRoute(options: {
  app: express.Express;
  /** `/repos/:owner/:repo`. */
  R: string;
  route: (handler: Handler) => express.RequestHandler;
}) {
  const { app, R, route } = options;
  app.get(
    `${R}/compare/*`,
    route(async (req, res, { repo, origins }) => {
      const basehead = req.params[0] ?? '';
      const match = /^(.+?)\.\.\.(.+)$/.exec(basehead);
      if (!match) throw notFound(COMPARE_DOCS);
      const [base, head] = await Promise.all([
        resolve(repo, match[1]),
        resolve(repo, match[2]),
      ]);
      const mergeBase = (
        await git(repo.dir, ['merge-base', base, head]).catch(() => '')
      ).trim();
      if (!mergeBase) throw notFound(COMPARE_DOCS);
      const revList = async (range: string) =>
        (await git(repo.dir, ['rev-list', '--reverse', range]))
          .split('\n')
          .filter(Boolean);
      const [ahead, behind] = await Promise.all([
        revList(`${base}..${head}`),
        revList(`${head}..${base}`),
      ]);
      let status = 'identical';
      if (ahead.length && behind.length) status = 'diverged';
      else if (ahead.length) status = 'ahead';
      else if (behind.length) status = 'behind';
      const commits = await Promise.all(
        ahead
          .slice(0, COMPARE_COMMIT_LIMIT)
          .map(async sha =>
            restCommit(await repo.getCommit(sha), repo.info, origins),
          ),
      );
      const { api: repoUrl, html: htmlUrl } = repoUrls(repo.info, origins);
      res.json({
        url: `${repoUrl}/compare/${basehead}`,
        html_url: `${htmlUrl}/compare/${basehead}`,
        permalink_url: `${htmlUrl}/compare/${repo.info.owner}:${base}...${repo.info.owner}:${head}`,
        diff_url: `${htmlUrl}/compare/${basehead}.diff`,
        patch_url: `${htmlUrl}/compare/${basehead}.patch`,
        base_commit: restCommit(await repo.getCommit(base), repo.info, origins),
        merge_base_commit: restCommit(
          await repo.getCommit(mergeBase),
          repo.info,
          origins,
        ),
        status,
        ahead_by: ahead.length,
        behind_by: behind.length,
        total_commits: ahead.length,
        commits,
      });
    }),
  );
}
