import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

/*
 * Helpers for tests (this package's and the backend's): a bare manifest
 * repository seeded from a folder, and commits written with plumbing only
 * (no work tree, a private index per call), the way Shipdeck writes.
 */

const AUTHOR = {
  GIT_AUTHOR_NAME: 'Shipdeck Test',
  GIT_AUTHOR_EMAIL: 'test@shipdeck.local',
  GIT_COMMITTER_NAME: 'Shipdeck Test',
  GIT_COMMITTER_EMAIL: 'test@shipdeck.local',
};

function git(
  gitDir: string,
  args: string[],
  options: { env?: Record<string, string>; input?: string } = {},
) {
  return new Promise<string>((resolve, reject) => {
    const child = execFile(
      'git',
      ['--git-dir', gitDir, ...args],
      {
        env: { ...process.env, ...AUTHOR, ...options.env },
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) =>
        error
          ? reject(new Error(`git ${args[0]}: ${stderr || error.message}`))
          : resolve(stdout.trim()),
    );
    child.stdin?.on('error', () => {});
    child.stdin?.end(options.input);
  });
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter(e => e.isFile())
    .map(e => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'))
    .sort();
}

/**
 * Writes a commit on `branch` changing `files` (path → content; `null`
 * deletes) and moves the branch (compare-and-swap). Resolves with the SHA.
 */
export async function commitFiles(
  gitDir: string,
  files: Record<string, string | null>,
  options: { message?: string; branch?: string } = {},
): Promise<string> {
  const branch = options.branch ?? 'main';
  const scratch = await mkdtemp(join(tmpdir(), 'argocd-emulator-index-'));
  const env = { GIT_INDEX_FILE: join(scratch, 'index') };
  try {
    const parent = await git(gitDir, [
      'rev-parse',
      '--verify',
      '--quiet',
      `refs/heads/${branch}`,
    ]).catch(() => '');
    if (parent) await git(gitDir, ['read-tree', parent], { env });
    // One hash-object and one update-index for all files, however many.
    const written = Object.entries(files).filter(([, c]) => c !== null);
    const blobs: string[] = [];
    if (written.length > 0) {
      const paths = await Promise.all(
        written.map(async ([, content], i) => {
          const file = join(scratch, `blob-${i}`);
          await writeFile(file, content as string);
          return file;
        }),
      );
      blobs.push(
        ...(
          await git(gitDir, ['hash-object', '-w', '--stdin-paths'], {
            input: `${paths.join('\n')}\n`,
          })
        ).split('\n'),
      );
    }
    const blobOf = new Map(written.map(([path], i) => [path, blobs[i]]));
    const records = Object.entries(files).map(([path, content]) =>
      content === null
        ? `0 ${'0'.repeat(40)}\t${path}`
        : `100644 ${blobOf.get(path)}\t${path}`,
    );
    await git(gitDir, ['update-index', '--add', '--index-info'], {
      env,
      input: `${records.join('\n')}\n`,
    });
    const tree = await git(gitDir, ['write-tree'], { env });
    const sha = await git(
      gitDir,
      ['commit-tree', tree, ...(parent ? ['-p', parent] : []), '-F', '-'],
      {
        input: options.message ?? 'Update manifests',
      },
    );
    await git(gitDir, [
      'update-ref',
      `refs/heads/${branch}`,
      sha,
      ...(parent ? [parent] : []),
    ]);
    return sha;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Creates a bare repository (in a new temporary directory unless `dir` is
 * given) whose first commit on `branch` holds every file of `from`.
 */
export async function seedManifestRepo(options: {
  from: string;
  dir?: string;
  branch?: string;
  message?: string;
}): Promise<{ dir: string; sha: string }> {
  const branch = options.branch ?? 'main';
  const dir =
    options.dir ?? (await mkdtemp(join(tmpdir(), 'argocd-emulator-repo-')));
  await new Promise<void>((resolve, reject) =>
    execFile(
      'git',
      ['init', '--quiet', '--bare', `--initial-branch=${branch}`, dir],
      error => (error ? reject(error) : resolve()),
    ),
  );
  const files: Record<string, string> = {};
  for (const path of await listFiles(options.from)) {
    files[path] = await readFile(join(options.from, path), 'utf8');
  }
  const sha = await commitFiles(dir, files, {
    branch,
    message: options.message ?? 'Seed the demo manifests',
  });
  return { dir, sha };
}
