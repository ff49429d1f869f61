import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommitAuthor, FileChange } from '../ManifestRepository';
import { git } from './git';

/**
 * Writes a commit object with `files` on top of `parent` (or as a root
 * commit) without touching any working tree or the repository's own index:
 * a private index file per call keeps concurrent writers apart. The branch
 * is not moved here; the caller does that as a compare-and-swap.
 */
export async function writeCommit(
  gitDir: string,
  options: {
    parent?: string;
    message: string;
    files: FileChange[];
    author: CommitAuthor;
  },
): Promise<string> {
  const scratch = await mkdtemp(join(tmpdir(), 'shipdeck-index-'));
  const env = {
    GIT_INDEX_FILE: join(scratch, 'index'),
    GIT_AUTHOR_NAME: options.author.name,
    GIT_AUTHOR_EMAIL: options.author.email,
    GIT_COMMITTER_NAME: 'Shipdeck',
    GIT_COMMITTER_EMAIL: 'shipdeck@localhost',
  };
  try {
    if (options.parent) {
      await git(gitDir, ['read-tree', options.parent], { env });
    }
    for (const file of options.files) {
      const blob = (
        await git(gitDir, ['hash-object', '-w', '--stdin'], {
          input: file.content,
        })
      ).trim();
      await git(
        gitDir,
        ['update-index', '--add', '--cacheinfo', `100644,${blob},${file.path}`],
        { env },
      );
    }
    const tree = (await git(gitDir, ['write-tree'], { env })).trim();
    const parents = options.parent ? ['-p', options.parent] : [];
    return (
      await git(gitDir, ['commit-tree', tree, ...parents, '-F', '-'], {
        env,
        input: options.message,
      })
    ).trim();
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
