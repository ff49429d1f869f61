import { spawn } from 'node:child_process';

/** A `git` invocation that exited non-zero. */
export class GitError extends Error {
  readonly name = 'GitError';
  constructor(
    readonly args: string[],
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(`git ${args.join(' ')} exited with ${code}: ${stderr.trim()}`);
  }
}

export const ZERO_SHA = '0000000000000000000000000000000000000000';
export const SHA_PATTERN = /^[0-9a-f]{40}$/;

export interface GitRunOptions {
  /** Bytes for the command's standard input. */
  input?: string | Buffer;
  /** Extra environment, e.g. GIT_INDEX_FILE or author identity. */
  env?: Record<string, string>;
}

/**
 * Runs `git --git-dir <dir> <args>` and resolves with its standard output as
 * bytes; rejects with a {@link GitError} on a non-zero exit.
 */
export function gitBytes(
  gitDir: string,
  args: string[],
  options: GitRunOptions = {},
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['--git-dir', gitDir, ...args], {
      env: {
        ...process.env,
        // Never read the user's or system configuration: the stand-in must
        // behave the same on every machine.
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_TERMINAL_PROMPT: '0',
        ...options.env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', chunk => out.push(chunk));
    child.stderr.on('data', chunk => err.push(chunk));
    child.on('error', reject);
    child.on('close', code => {
      if (code === 0) {
        resolve(Buffer.concat(out));
      } else {
        reject(new GitError(args, code, Buffer.concat(err).toString('utf8')));
      }
    });
    // A command that does not read its input may close stdin early.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** Like {@link gitBytes}, decoded as UTF-8. */
export async function git(
  gitDir: string,
  args: string[],
  options: GitRunOptions = {},
): Promise<string> {
  return (await gitBytes(gitDir, args, options)).toString('utf8');
}

/** Resolves with true when git exits 0 and false when it exits 1; other failures reject. */
export async function gitTest(
  gitDir: string,
  args: string[],
): Promise<boolean> {
  try {
    await gitBytes(gitDir, args);
    return true;
  } catch (error) {
    if (error instanceof GitError && error.code === 1) {
      return false;
    }
    throw error;
  }
}

/** The type of an object (`commit`, `tree`, `blob`, `tag`), or undefined when it is absent. */
export async function objectType(
  gitDir: string,
  sha: string,
): Promise<string | undefined> {
  if (!SHA_PATTERN.test(sha)) {
    return undefined;
  }
  try {
    return (await git(gitDir, ['cat-file', '-t', sha])).trim();
  } catch (error) {
    if (error instanceof GitError) {
      return undefined;
    }
    throw error;
  }
}

/** The object a full ref name points at, or undefined when the ref does not exist. */
export async function readRef(
  gitDir: string,
  ref: string,
): Promise<string | undefined> {
  try {
    const sha = (
      await git(gitDir, [
        'rev-parse',
        '--verify',
        '--quiet',
        '--end-of-options',
        ref,
      ])
    ).trim();
    return sha || undefined;
  } catch (error) {
    if (error instanceof GitError) {
      return undefined;
    }
    throw error;
  }
}

/** A parsed `git cat-file commit` object. */
export interface CommitObject {
  sha: string;
  tree: string;
  parents: string[];
  author: Signature;
  committer: Signature;
  message: string;
}

export interface Signature {
  name: string;
  email: string;
  /** ISO 8601 in UTC, as GitHub reports commit dates. */
  date: string;
}

function parseSignature(value: string): Signature {
  const match = /^(.*) <(.*)> (\d+) ([+-]\d{4})$/.exec(value);
  if (!match) {
    return { name: value, email: '', date: new Date(0).toISOString() };
  }
  return {
    name: match[1],
    email: match[2],
    date: isoSeconds(new Date(Number(match[3]) * 1000)),
  };
}

/** `2024-01-02T03:04:05Z`: GitHub's timestamps carry no milliseconds. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Reads and parses a commit, or undefined when `sha` is not a commit in the repository. */
export async function readCommit(
  gitDir: string,
  sha: string,
): Promise<CommitObject | undefined> {
  if ((await objectType(gitDir, sha)) !== 'commit') {
    return undefined;
  }
  const raw = await git(gitDir, ['cat-file', 'commit', sha]);
  const split = raw.indexOf('\n\n');
  const header = split === -1 ? raw : raw.slice(0, split);
  const message = split === -1 ? '' : raw.slice(split + 2);
  const commit: CommitObject = {
    sha,
    tree: '',
    parents: [],
    author: parseSignature(''),
    committer: parseSignature(''),
    message,
  };
  for (const line of header.split('\n')) {
    const space = line.indexOf(' ');
    const key = line.slice(0, space);
    const value = line.slice(space + 1);
    if (key === 'tree') {
      commit.tree = value;
    } else if (key === 'parent') {
      commit.parents.push(value);
    } else if (key === 'author') {
      commit.author = parseSignature(value);
    } else if (key === 'committer') {
      commit.committer = parseSignature(value);
    }
  }
  return commit;
}

/** One entry of `git ls-tree -l`. */
export interface TreeEntry {
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
  /** Blob size in bytes; undefined for trees and submodules. */
  size?: number;
  path: string;
}

/**
 * Entries of `git ls-tree -l -z <treeish> [-- path]`; `recursive` adds
 * `-r -t`: every blob below, and the subtrees on the way.
 */
export async function listTree(
  gitDir: string,
  treeish: string,
  path?: string,
  options: { recursive?: boolean } = {},
): Promise<TreeEntry[]> {
  const args = [
    'ls-tree',
    ...(options.recursive ? ['-r', '-t'] : []),
    '-l',
    '-z',
    treeish,
  ];
  if (path !== undefined) {
    args.push('--', path);
  }
  const out = await git(gitDir, args);
  return out
    .split('\0')
    .filter(Boolean)
    .map(line => {
      const tab = line.indexOf('\t');
      const [mode, type, sha, size] = line.slice(0, tab).split(/\s+/);
      return {
        mode,
        type: type as TreeEntry['type'],
        sha,
        size: size === '-' ? undefined : Number(size),
        path: line.slice(tab + 1),
      };
    });
}
