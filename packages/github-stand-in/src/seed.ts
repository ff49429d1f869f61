import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git } from './git';

/**
 * Creates a bare Git repository under the system's temporary directory with
 * one commit holding `files` on `branch` (default `main`, also HEAD), built
 * with plumbing only. Resolves with the directory and the commit.
 */
export async function seedBareRepository(options: {
  files: Record<string, string>;
  branch?: string;
  message?: string;
  prefix?: string;
}): Promise<{ dir: string; head: string }> {
  const branch = options.branch ?? 'main';
  const dir = await mkdtemp(
    join(tmpdir(), options.prefix ?? 'github-stand-in-'),
  );
  await git(dir, ['init', '--quiet', '--bare', `--initial-branch=${branch}`]);
  const index = join(dir, 'seed.index');
  const env = { GIT_INDEX_FILE: index };
  await git(dir, ['read-tree', '--empty'], { env });
  const records: string[] = [];
  for (const [path, content] of Object.entries(options.files)) {
    const blob = (
      await git(dir, ['hash-object', '-w', '--stdin'], { input: content })
    ).trim();
    records.push(`100644 ${blob}\t${path}`);
  }
  if (records.length) {
    await git(dir, ['update-index', '-z', '--index-info'], {
      env,
      input: `${records.join('\0')}\0`,
    });
  }
  const tree = (await git(dir, ['write-tree'], { env })).trim();
  const head = (
    await git(dir, ['commit-tree', tree], {
      input: options.message ?? 'Seed',
      env: {
        GIT_AUTHOR_NAME: 'Seed',
        GIT_AUTHOR_EMAIL: 'seed@example.com',
        GIT_COMMITTER_NAME: 'Seed',
        GIT_COMMITTER_EMAIL: 'seed@example.com',
      },
    })
  ).trim();
  await git(dir, ['update-ref', `refs/heads/${branch}`, head]);
  await git(dir, ['symbolic-ref', 'HEAD', `refs/heads/${branch}`]);
  await rm(index, { force: true });
  return { dir, head };
}
