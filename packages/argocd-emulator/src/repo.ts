import { execFile, spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';

/** One entry of a commit's tree, as `git ls-tree -r -t` lists it. */
export interface TreeEntry {
  type: 'blob' | 'tree' | 'commit';
  id: string;
}

/** Commit details for the revision metadata endpoint. */
export interface CommitInfo {
  author: string;
  date: string;
  message: string;
  tags: string[];
}

const SHA = /^[0-9a-f]{40}$/;

/** Whether `revision` is a full commit SHA (Argo CD's `git.IsCommitSHA`). */
export function isCommitSha(revision: string): boolean {
  return SHA.test(revision);
}

/** Whether `revision` looks like a (possibly truncated) commit SHA. */
export function isShaLike(revision: string): boolean {
  return /^[0-9a-f]{7,40}$/.test(revision);
}

/** A small LRU map: the read caches below stay bounded on long runs. */
class Lru<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly limit: number) {}
  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }
  delete(key: K) {
    this.map.delete(key);
  }
  set(key: K, value: V) {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.limit) {
      this.map.delete(this.map.keys().next().value as K);
    }
  }
}

/**
 * Read access to a (bare) Git repository, always with `--git-dir`, never a
 * work tree. Objects are immutable, so trees, blobs and commit details are
 * cached by id; only ref resolution goes to Git every time.
 */
export class GitRepo {
  private readonly trees = new Lru<string, Promise<Map<string, TreeEntry>>>(16);
  private readonly blobs = new Lru<string, Buffer>(4096);
  /** Blobs being read: concurrent readers share one `cat-file`. */
  private readonly reading = new Map<string, Promise<Buffer | undefined>>();
  private readonly commits = new Lru<string, CommitInfo>(1024);

  constructor(readonly gitDir: string) {}

  /** Runs git against the repository and resolves with its stdout. */
  run(args: string[], options: { input?: string } = {}): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = execFile(
        'git',
        ['--git-dir', this.gitDir, ...args],
        { maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' },
        (error, stdout, stderr) => {
          if (error) {
            reject(
              new Error(
                `git ${args[0]} failed: ${stderr.trim() || error.message}`,
              ),
            );
          } else {
            resolve(stdout);
          }
        },
      );
      // git may exit before reading stdin (EPIPE); its exit status tells.
      child.stdin?.on('error', () => {});
      child.stdin?.end(options.input);
    });
  }

  /** Whether the directory holds a Git repository yet (the backend creates it). */
  async exists(): Promise<boolean> {
    try {
      await stat(join(this.gitDir, 'HEAD'));
      await stat(join(this.gitDir, 'objects'));
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Resolves a branch, tag, `HEAD` or (short) SHA to a commit SHA, or
   * undefined when Git does not know it.
   */
  async resolve(revision: string): Promise<string | undefined> {
    const rev = revision || 'HEAD';
    const candidates = isShaLike(rev)
      ? [rev]
      : [
          rev,
          `refs/heads/${rev}`,
          `refs/tags/${rev}`,
          `refs/remotes/origin/${rev}`,
        ];
    for (const candidate of candidates) {
      try {
        const out = await this.run([
          'rev-parse',
          '--verify',
          '--quiet',
          `${candidate}^{commit}`,
        ]);
        const sha = out.trim();
        if (SHA.test(sha)) return sha;
      } catch {
        // try the next spelling
      }
    }
    return undefined;
  }

  /** Every path of a commit's tree (recursive, trees included), cached by commit. */
  tree(sha: string): Promise<Map<string, TreeEntry>> {
    const cached = this.trees.get(sha);
    if (cached) return cached;
    const loading = this.listTree(sha);
    this.trees.set(sha, loading);
    loading.catch(() => this.trees.delete(sha));
    return loading;
  }

  private async listTree(sha: string): Promise<Map<string, TreeEntry>> {
    const out = await this.run([
      'ls-tree',
      '-r',
      '-t',
      '-z',
      '--full-tree',
      sha,
    ]);
    const entries = new Map<string, TreeEntry>();
    entries.set('', { type: 'tree', id: sha });
    for (const record of out.split('\0')) {
      if (!record) continue;
      const tab = record.indexOf('\t');
      const [, type, id] = record.slice(0, tab).split(' ');
      entries.set(record.slice(tab + 1), {
        type: type as TreeEntry['type'],
        id,
      });
    }
    return entries;
  }

  /**
   * Reads blobs by id with `git cat-file --batch`; cached by id, and
   * concurrent readers of the same blob share one read.
   */
  async readBlobs(ids: string[]): Promise<Map<string, Buffer>> {
    const result = new Map<string, Buffer>();
    const missing: string[] = [];
    const pending: Array<[string, Promise<Buffer | undefined>]> = [];
    for (const id of new Set(ids)) {
      const cached = this.blobs.get(id);
      const inFlight = this.reading.get(id);
      if (cached) result.set(id, cached);
      else if (inFlight) pending.push([id, inFlight]);
      else missing.push(id);
    }
    if (missing.length > 0) {
      const batch = this.catFile(missing);
      for (const id of missing) {
        const one = batch.then(found => found.get(id));
        one.catch(() => undefined);
        this.reading.set(id, one);
        pending.push([id, one]);
      }
      batch
        .catch(() => undefined)
        .finally(() => missing.forEach(id => this.reading.delete(id)));
    }
    for (const [id, promise] of pending) {
      const content = await promise;
      if (content) result.set(id, content);
    }
    return result;
  }

  private async catFile(ids: string[]): Promise<Map<string, Buffer>> {
    const output = await new Promise<Buffer>((resolve, reject) => {
      const child = spawn(
        'git',
        ['--git-dir', this.gitDir, 'cat-file', '--batch'],
        {
          stdio: ['pipe', 'pipe', 'pipe'],
        },
      );
      const chunks: Buffer[] = [];
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => chunks.push(c));
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
      });
      child.on('error', reject);
      child.on('close', code =>
        code === 0
          ? resolve(Buffer.concat(chunks))
          : reject(new Error(`git cat-file failed: ${stderr.trim()}`)),
      );
      child.stdin.on('error', () => {});
      child.stdin.end(`${ids.join('\n')}\n`);
    });
    const result = new Map<string, Buffer>();
    let offset = 0;
    while (offset < output.length) {
      const newline = output.indexOf(0x0a, offset);
      if (newline < 0) break;
      const header = output.subarray(offset, newline).toString().split(' ');
      offset = newline + 1;
      if (header[1] === 'missing') continue;
      const size = Number(header[2]);
      const content = output.subarray(offset, offset + size);
      offset += size + 1;
      if (header[1] === 'blob') {
        const copy = Buffer.from(content);
        this.blobs.set(header[0], copy);
        result.set(header[0], copy);
      }
    }
    return result;
  }

  /** The text of one file at a commit, or undefined when absent. */
  async readFile(sha: string, path: string): Promise<string | undefined> {
    const entry = (await this.tree(sha)).get(path);
    if (!entry || entry.type !== 'blob') return undefined;
    return (await this.readBlobs([entry.id])).get(entry.id)?.toString('utf8');
  }

  /** Author, date, message and tags of a commit (for revision metadata). */
  async commitInfo(sha: string): Promise<CommitInfo | undefined> {
    const cached = this.commits.get(sha);
    if (cached) return cached;
    let out: string;
    try {
      out = await this.run([
        'show',
        '-s',
        '--format=%an <%ae>%x00%aI%x00%B',
        `${sha}^{commit}`,
      ]);
    } catch {
      return undefined;
    }
    const [author, date, ...rest] = out.split('\0');
    const tagsOut = await this.run(['tag', '--points-at', sha]).catch(() => '');
    const info: CommitInfo = {
      author,
      date: new Date(date).toISOString().replace('.000Z', 'Z'),
      message: rest.join('\0').replace(/\n+$/, ''),
      tags: tagsOut.split('\n').filter(Boolean),
    };
    this.commits.set(sha, info);
    return info;
  }
}
