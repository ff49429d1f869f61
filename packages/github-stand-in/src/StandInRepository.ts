import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError, basicError, notFound, validationFailed } from './errors';
import {
  CommitObject,
  git,
  gitBytes,
  GitError,
  gitTest,
  isoSeconds,
  listTree,
  objectType,
  readCommit,
  readRef,
  TreeEntry,
  ZERO_SHA,
} from './git';
import { docs, PullLive, PullRecord, RepoInfo, StandInUser } from './shapes';

const TREE_MODES = ['100644', '100755', '040000', '160000', '120000'];

/** A file or directory found through the contents API. */
export type ContentLookup =
  | { kind: 'file'; entry: TreeEntry; bytes: Buffer }
  | { kind: 'dir'; entries: TreeEntry[] };

/** A Git object with its raw content, as `git cat-file --batch` gives it. */
export interface GitObjectValue {
  sha: string;
  type: 'blob' | 'tree' | 'commit' | 'tag';
  bytes: Buffer;
}

interface Identity {
  name: string;
  email: string;
  date?: string;
}

function sleep(ms: number) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function identityEnv(kind: 'AUTHOR' | 'COMMITTER', identity: Identity) {
  const date = identity.date ? new Date(identity.date) : new Date();
  if (Number.isNaN(date.getTime())) {
    throw validationFailed(
      [
        {
          resource: 'Commit',
          field: `${kind.toLowerCase()}.date`,
          code: 'invalid',
        },
      ],
      docs.createCommit,
    );
  }
  return {
    [`GIT_${kind}_NAME`]: identity.name,
    [`GIT_${kind}_EMAIL`]: identity.email,
    [`GIT_${kind}_DATE`]: `@${Math.floor(date.getTime() / 1000)} +0000`,
  };
}

function readIdentity(value: unknown, field: string): Identity | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (
    !isObject(value) ||
    typeof value.name !== 'string' ||
    typeof value.email !== 'string' ||
    !value.name.trim() ||
    (value.date !== undefined && typeof value.date !== 'string')
  ) {
    throw validationFailed(
      [{ resource: 'Commit', field, code: 'invalid' }],
      docs.createCommit,
    );
  }
  return {
    name: value.name,
    email: value.email,
    date: value.date as string | undefined,
  };
}

/** A path GitHub would accept in a tree: relative, no empty, `.` or `..` segments. */
function validTreePath(path: unknown): path is string {
  return (
    typeof path === 'string' &&
    path.length > 0 &&
    !path.includes('\0') &&
    path
      .split('/')
      .every(segment => segment && segment !== '.' && segment !== '..')
  );
}

/**
 * One repository served by the stand-in: a bare Git repository on disk plus
 * the pull requests GitHub would keep in its database (here, in memory).
 *
 * Git writes need no lock: objects are content-addressed, each tree is built
 * in its own temporary index, and every ref move is `git update-ref <ref>
 * <new> <old>`, a compare-and-swap. Only the pull request list, which lives
 * in memory and is read and then written across awaits, is serialised.
 */
export class StandInRepository {
  readonly pulls: PullRecord[] = [];
  #nextPull = 1;
  #pullsTail: Promise<unknown> = Promise.resolve();
  #pushedAt: string;

  constructor(
    readonly dir: string,
    private readonly infoBase: Omit<RepoInfo, 'pushedAt'>,
    private readonly user: StandInUser,
  ) {
    this.#pushedAt = infoBase.createdAt;
  }

  get info(): RepoInfo {
    return { ...this.infoBase, pushedAt: this.#pushedAt };
  }

  #touched() {
    this.#pushedAt = isoSeconds(new Date());
  }

  /** Runs `fn` after every earlier pull request operation of this repository. */
  withPulls<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#pullsTail.then(fn, fn);
    this.#pullsTail = run.catch(() => undefined);
    return run;
  }

  // --- refs -----------------------------------------------------------------

  async getRef(fullRef: string): Promise<string | undefined> {
    return readRef(this.dir, fullRef);
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    return gitTest(this.dir, [
      'merge-base',
      '--is-ancestor',
      ancestor,
      descendant,
    ]);
  }

  async createRef(fullRef: unknown, sha: unknown): Promise<string> {
    if (
      typeof fullRef !== 'string' ||
      !fullRef.startsWith('refs/') ||
      fullRef.split('/').length < 3
    ) {
      throw basicError(
        422,
        "Reference name must start with 'refs/' and have at least two slashes.",
        docs.createRef,
      );
    }
    if (!(await gitTest(this.dir, ['check-ref-format', fullRef]))) {
      throw basicError(
        422,
        'Reference name is not well-formed',
        docs.createRef,
      );
    }
    if (typeof sha !== 'string' || !(await objectType(this.dir, sha))) {
      throw basicError(422, 'Object does not exist', docs.createRef);
    }
    try {
      // The zero old value makes creation atomic: it fails if the ref exists.
      await git(this.dir, ['update-ref', fullRef, sha, ZERO_SHA]);
    } catch (error) {
      if (error instanceof GitError && (await this.getRef(fullRef))) {
        throw basicError(422, 'Reference already exists', docs.createRef);
      }
      throw error;
    }
    this.#touched();
    return sha;
  }

  /**
   * Moves a ref like GitHub's `PATCH /git/refs/{ref}`: without `force`, only
   * to a descendant of where it is. Each attempt is a compare-and-swap on
   * the value just checked, so two concurrent updates cannot both win.
   */
  async updateRef(
    fullRef: string,
    sha: unknown,
    force: boolean,
  ): Promise<string> {
    if (typeof sha !== 'string') {
      throw basicError(
        422,
        'Invalid request.\n\n"sha" wasn\'t supplied.',
        docs.updateRef,
      );
    }
    const type = await objectType(this.dir, sha);
    if (!type || (fullRef.startsWith('refs/heads/') && type !== 'commit')) {
      throw basicError(422, 'Object does not exist', docs.updateRef);
    }
    for (let attempt = 0; attempt < 50; attempt++) {
      const current = await this.getRef(fullRef);
      if (!current) {
        throw basicError(422, 'Reference does not exist', docs.updateRef);
      }
      if (current === sha) {
        return sha;
      }
      if (!force && !(await this.isAncestor(current, sha))) {
        throw basicError(422, 'Update is not a fast forward', docs.updateRef);
      }
      try {
        await git(this.dir, ['update-ref', fullRef, sha, current]);
        this.#touched();
        return sha;
      } catch (error) {
        if (!(error instanceof GitError)) {
          throw error;
        }
        // Another update holds the ref's lock or got there first: look again.
        await sleep(2 + Math.random() * 10);
      }
    }
    throw basicError(409, 'Reference update failed', docs.updateRef);
  }

  async deleteRef(fullRef: string): Promise<void> {
    const current = await this.getRef(fullRef);
    if (!current) {
      throw basicError(422, 'Reference does not exist', docs.updateRef);
    }
    await git(this.dir, ['update-ref', '-d', fullRef, current]);
    this.#touched();
  }

  // --- objects --------------------------------------------------------------

  async getCommit(sha: string): Promise<CommitObject> {
    const commit = await readCommit(this.dir, sha);
    if (!commit) {
      throw notFound(docs.getCommit);
    }
    return commit;
  }

  /** `POST /git/trees`: `base_tree` plus entries, built in a temporary index. */
  async createTree(
    body: unknown,
  ): Promise<{ sha: string; entries: TreeEntry[] }> {
    if (!isObject(body) || !Array.isArray(body.tree)) {
      throw basicError(
        422,
        'Invalid request.\n\n"tree" wasn\'t supplied.',
        docs.createTree,
      );
    }
    const baseTree = body.base_tree;
    if (baseTree !== undefined && baseTree !== null) {
      if (
        typeof baseTree !== 'string' ||
        (await objectType(this.dir, baseTree)) !== 'tree'
      ) {
        throw basicError(
          422,
          'base_tree is not a valid tree oid',
          docs.createTree,
        );
      }
    }
    const index = join(
      tmpdir(),
      `github-stand-in-${randomBytes(8).toString('hex')}.index`,
    );
    const env = { GIT_INDEX_FILE: index };
    try {
      await git(
        this.dir,
        baseTree ? ['read-tree', baseTree as string] : ['read-tree', '--empty'],
        { env },
      );
      let existing: string[] | undefined;
      const records: string[] = [];
      for (const [position, raw] of body.tree.entries()) {
        const invalid = (message: string) =>
          basicError(422, `tree.${position} ${message}`, docs.createTree);
        if (!isObject(raw)) {
          throw invalid('is not an object');
        }
        const { path, mode, type } = raw;
        if (!validTreePath(path)) {
          throw invalid('path is invalid');
        }
        if (typeof mode !== 'string' || !TREE_MODES.includes(mode)) {
          throw invalid(`mode must be one of ${TREE_MODES.join(', ')}`);
        }
        if (type !== 'blob' && type !== 'tree' && type !== 'commit') {
          throw invalid('type must be blob, tree or commit');
        }
        if (typeof raw.content === 'string') {
          if (type !== 'blob') {
            throw invalid('content requires type blob');
          }
          const blob = (
            await git(this.dir, ['hash-object', '-w', '--stdin'], {
              input: raw.content,
            })
          ).trim();
          records.push(`${mode} ${blob}\t${path}`);
        } else if (raw.sha === null) {
          // Deleting a path removes a file, or everything under a directory.
          existing ??= (await git(this.dir, ['ls-files', '-z'], { env }))
            .split('\0')
            .filter(Boolean);
          for (const file of existing) {
            if (file === path || file.startsWith(`${path}/`)) {
              records.push(`0 ${ZERO_SHA}\t${file}`);
            }
          }
        } else if (typeof raw.sha === 'string') {
          if (type === 'tree') {
            throw invalid('with type tree is not supported by the stand-in');
          }
          if (
            type === 'blob' &&
            (await objectType(this.dir, raw.sha)) !== 'blob'
          ) {
            throw invalid(`sha ${raw.sha} is not a valid blob`);
          }
          records.push(`${mode} ${raw.sha}\t${path}`);
        } else {
          throw invalid('needs content or sha');
        }
      }
      if (records.length) {
        await git(this.dir, ['update-index', '-z', '--index-info'], {
          env,
          input: `${records.join('\0')}\0`,
        });
      }
      const sha = (await git(this.dir, ['write-tree'], { env })).trim();
      return { sha, entries: await listTree(this.dir, sha) };
    } finally {
      await rm(index, { force: true });
    }
  }

  /** `POST /git/commits`. */
  async createCommit(body: unknown): Promise<CommitObject> {
    if (!isObject(body)) {
      throw basicError(400, 'Problems parsing JSON', docs.createCommit);
    }
    for (const field of ['message', 'tree']) {
      if (typeof body[field] !== 'string') {
        throw validationFailed(
          [{ resource: 'Commit', field, code: 'missing_field' }],
          docs.createCommit,
        );
      }
    }
    const tree = body.tree as string;
    const message = body.message as string;
    if ((await objectType(this.dir, tree)) !== 'tree') {
      throw basicError(422, 'Tree SHA does not exist', docs.createCommit);
    }
    const parents = body.parents ?? [];
    if (!Array.isArray(parents)) {
      throw validationFailed(
        [{ resource: 'Commit', field: 'parents', code: 'invalid' }],
        docs.createCommit,
      );
    }
    for (const parent of parents) {
      if (
        typeof parent !== 'string' ||
        (await objectType(this.dir, parent)) !== 'commit'
      ) {
        throw basicError(
          422,
          'Parent SHA does not exist or is not a commit object',
          docs.createCommit,
        );
      }
    }
    const author = readIdentity(body.author, 'author') ?? {
      name: this.user.name,
      email: this.user.email,
    };
    const committer = readIdentity(body.committer, 'committer') ?? author;
    const args = ['commit-tree', tree];
    for (const parent of parents as string[]) {
      args.push('-p', parent);
    }
    const sha = (
      await git(this.dir, args, {
        input: message,
        env: {
          ...identityEnv('AUTHOR', author),
          ...identityEnv('COMMITTER', committer),
        },
      })
    ).trim();
    return this.getCommit(sha);
  }

  /**
   * `GET /git/trees/{tree_sha}`: a tree SHA or, as GitHub also takes, a
   * commit SHA or branch; `recursive` lists every entry below it.
   */
  async getTree(
    treeish: string,
    recursive: boolean,
  ): Promise<{ sha: string; entries: TreeEntry[] }> {
    const sha = /^[\w./-]+$/.test(treeish)
      ? await git(this.dir, [
          'rev-parse',
          '--verify',
          '--quiet',
          `${treeish}^{tree}`,
        ]).then(
          out => out.trim(),
          () => undefined,
        )
      : undefined;
    if (!sha) {
      throw notFound(docs.getTree);
    }
    return {
      sha,
      entries: await listTree(this.dir, sha, undefined, { recursive }),
    };
  }

  async getBlob(sha: string): Promise<Buffer> {
    if ((await objectType(this.dir, sha)) !== 'blob') {
      throw notFound('https://docs.github.com/rest/git/blobs#get-a-blob');
    }
    return gitBytes(this.dir, ['cat-file', 'blob', sha]);
  }

  /**
   * The objects that revision expressions (`<commit>:<path>`, a SHA, a
   * branch) name, through one `git cat-file --batch` however many there
   * are; undefined for an expression that names nothing.
   */
  async readObjects(
    expressions: string[],
  ): Promise<Array<GitObjectValue | undefined>> {
    // One expression per line of input: a newline can never be part of one.
    const asked = expressions.filter(e => e && !/[\r\n]/.test(e));
    const out = asked.length
      ? await gitBytes(this.dir, ['cat-file', '--batch'], {
          input: `${asked.join('\n')}\n`,
        })
      : Buffer.alloc(0);
    const found = new Map<string, GitObjectValue>();
    let at = 0;
    for (const expression of asked) {
      const end = out.indexOf(0x0a, at);
      const header = out.subarray(at, end).toString('utf8');
      at = end + 1;
      const match = /^([0-9a-f]{40}) (\w+) (\d+)$/.exec(header);
      if (!match) {
        continue; // `<expression> missing` (or ambiguous)
      }
      const size = Number(match[3]);
      found.set(expression, {
        sha: match[1],
        type: match[2] as GitObjectValue['type'],
        bytes: out.subarray(at, at + size),
      });
      at += size + 1;
    }
    return expressions.map(e => found.get(e));
  }

  // --- contents -------------------------------------------------------------

  /** The commit a `ref` query names: a branch, a tag or a commit SHA. */
  async resolveCommitish(ref: string): Promise<string> {
    const candidates = [`refs/heads/${ref}`, `refs/tags/${ref}`];
    if (/^[0-9a-f]{4,40}$/.test(ref)) {
      candidates.push(ref);
    }
    for (const candidate of candidates) {
      const sha = await readRef(this.dir, `${candidate}^{commit}`);
      if (sha) {
        return sha;
      }
    }
    throw basicError(
      404,
      `No commit found for the ref ${ref}`,
      docs.getContent,
    );
  }

  async lookupContent(commit: string, rawPath: string): Promise<ContentLookup> {
    const path = rawPath.replace(/^\/+|\/+$/g, '');
    if (!path) {
      return { kind: 'dir', entries: await listTree(this.dir, commit) };
    }
    if (!validTreePath(path)) {
      throw notFound(docs.getContent);
    }
    const [entry] = (await listTree(this.dir, commit, path)).filter(
      e => e.path === path,
    );
    if (!entry) {
      throw notFound(docs.getContent);
    }
    if (entry.type === 'tree') {
      return {
        kind: 'dir',
        entries: await listTree(this.dir, commit, `${path}/`),
      };
    }
    const bytes =
      entry.type === 'blob'
        ? await gitBytes(this.dir, ['cat-file', 'blob', entry.sha])
        : Buffer.alloc(0);
    return { kind: 'file', entry, bytes };
  }

  // --- pull requests --------------------------------------------------------

  findPull(number: number): PullRecord {
    const pull = this.pulls.find(p => p.number === number);
    if (!pull) {
      throw notFound(docs.getPull);
    }
    return pull;
  }

  /** Adds a pull request; callers validated it and hold {@link withPulls}. */
  addPull(
    fields: Pick<PullRecord, 'title' | 'body' | 'head' | 'base' | 'draft'>,
    headSha: string,
    baseSha: string,
  ): PullRecord {
    const now = isoSeconds(new Date());
    const number = this.#nextPull++;
    const pull: PullRecord = {
      ...fields,
      number,
      id: this.infoBase.id * 100000 + number,
      state: 'open',
      merged: false,
      mergedAt: null,
      mergeCommitSha: null,
      closedAt: null,
      createdAt: now,
      updatedAt: now,
      lastHeadSha: headSha,
      lastBaseSha: baseSha,
    };
    this.pulls.push(pull);
    return pull;
  }

  /** Head and base SHAs now (or when the branches are gone, as last seen). */
  async pullShas(
    pull: PullRecord,
  ): Promise<{ headSha: string; baseSha: string }> {
    const headSha =
      (pull.state === 'open' &&
        (await this.getRef(`refs/heads/${pull.head}`))) ||
      pull.lastHeadSha;
    const baseSha =
      (await this.getRef(`refs/heads/${pull.base}`)) ?? pull.lastBaseSha;
    if (pull.state === 'open') {
      pull.lastHeadSha = headSha;
      pull.lastBaseSha = baseSha;
    }
    return { headSha, baseSha };
  }

  /** A three-way merge of `head` into `base` as a tree, or undefined on conflicts. */
  async mergeTree(
    baseSha: string,
    headSha: string,
  ): Promise<string | undefined> {
    try {
      const out = await git(this.dir, [
        'merge-tree',
        '--write-tree',
        baseSha,
        headSha,
      ]);
      return out.split('\n')[0].trim();
    } catch (error) {
      if (error instanceof GitError && error.code === 1) {
        return undefined;
      }
      throw error;
    }
  }

  async pullLive(pull: PullRecord, detail: boolean): Promise<PullLive> {
    const { headSha, baseSha } = await this.pullShas(pull);
    const live: PullLive = {
      headSha,
      baseSha,
      mergeable: null,
      commits: 0,
      additions: 0,
      deletions: 0,
      changedFiles: 0,
    };
    if (!detail) {
      return live;
    }
    if (pull.state !== 'open') {
      return { ...live, ...pull.frozen };
    }
    return { ...live, ...(await this.#diffStats(baseSha, headSha)) };
  }

  async #diffStats(baseSha: string, headSha: string) {
    let mergeBase: string;
    try {
      mergeBase = (
        await git(this.dir, ['merge-base', baseSha, headSha])
      ).trim();
    } catch (error) {
      if (error instanceof GitError) {
        return { mergeable: false };
      }
      throw error;
    }
    const commits = Number(
      (
        await git(this.dir, ['rev-list', '--count', `${baseSha}..${headSha}`])
      ).trim(),
    );
    let additions = 0;
    let deletions = 0;
    let changedFiles = 0;
    const numstat = await git(this.dir, [
      'diff',
      '--numstat',
      '-z',
      mergeBase,
      headSha,
    ]);
    for (const record of numstat.split('\0').filter(Boolean)) {
      const [added, deleted] = record.split('\t');
      changedFiles += 1;
      additions += Number(added) || 0;
      deletions += Number(deleted) || 0;
    }
    const mergeable = (await this.mergeTree(baseSha, headSha)) !== undefined;
    return { mergeable, commits, additions, deletions, changedFiles };
  }

  /** Closes a pull request, keeping what it showed while open. */
  async closePull(pull: PullRecord) {
    const live = await this.pullLive(pull, true);
    const now = isoSeconds(new Date());
    pull.frozen = {
      commits: live.commits,
      additions: live.additions,
      deletions: live.deletions,
      changedFiles: live.changedFiles,
    };
    pull.state = 'closed';
    pull.closedAt = now;
    pull.updatedAt = now;
  }

  /**
   * `PUT /pulls/{n}/merge`. `merge` (GitHub's default) always writes a merge
   * commit, `squash` one commit with the merged tree, and `rebase` is a
   * fast-forward (the stand-in does not replay commits that would need it).
   * The base moves by compare-and-swap from the SHA the merge was computed on.
   */
  async mergePull(
    pull: PullRecord,
    body: Record<string, unknown>,
  ): Promise<{ sha: string }> {
    const notMergeable = () =>
      new ApiError(405, {
        message: 'Pull Request is not mergeable',
        documentation_url: docs.mergePull,
      });
    if (pull.state !== 'open') {
      throw notMergeable();
    }
    const { headSha, baseSha } = await this.pullShas(pull);
    if (typeof body.sha === 'string' && body.sha !== headSha) {
      throw new ApiError(409, {
        message: 'Head branch was modified. Review and try the merge again.',
        documentation_url: docs.mergePull,
      });
    }
    const method = body.merge_method ?? 'merge';
    if (method !== 'merge' && method !== 'squash' && method !== 'rebase') {
      throw validationFailed(
        [{ resource: 'PullRequest', field: 'merge_method', code: 'invalid' }],
        docs.mergePull,
      );
    }
    const frozenLive = await this.pullLive(pull, true);
    let sha: string;
    if (method === 'rebase') {
      if (!(await this.isAncestor(baseSha, headSha))) {
        throw notMergeable();
      }
      sha = headSha;
    } else {
      const tree = await this.mergeTree(baseSha, headSha);
      if (!tree) {
        throw notMergeable();
      }
      let message: string;
      if (method === 'merge') {
        const title =
          typeof body.commit_title === 'string'
            ? body.commit_title
            : `Merge pull request #${pull.number} from ${this.infoBase.owner}/${pull.head}`;
        const text =
          typeof body.commit_message === 'string'
            ? body.commit_message
            : pull.title;
        message = `${title}\n\n${text}`;
      } else {
        const title =
          typeof body.commit_title === 'string'
            ? body.commit_title
            : `${pull.title} (#${pull.number})`;
        const subjects = await git(this.dir, [
          'log',
          '--format=* %s',
          `${baseSha}..${headSha}`,
        ]);
        const text =
          typeof body.commit_message === 'string'
            ? body.commit_message
            : subjects.trim();
        message = text ? `${title}\n\n${text}` : title;
      }
      const parents =
        method === 'merge' ? ['-p', baseSha, '-p', headSha] : ['-p', baseSha];
      sha = (
        await git(this.dir, ['commit-tree', tree, ...parents], {
          input: message,
          env: {
            ...identityEnv('AUTHOR', {
              name: this.user.name,
              email: this.user.email,
            }),
            ...identityEnv('COMMITTER', {
              name: 'GitHub',
              email: 'noreply@github.com',
            }),
          },
        })
      ).trim();
    }
    try {
      await git(this.dir, [
        'update-ref',
        `refs/heads/${pull.base}`,
        sha,
        baseSha,
      ]);
    } catch (error) {
      if (error instanceof GitError) {
        throw new ApiError(409, {
          message: 'Base branch was modified. Review and try the merge again.',
          documentation_url: docs.mergePull,
        });
      }
      throw error;
    }
    this.#touched();
    const now = isoSeconds(new Date());
    pull.frozen = {
      commits: frozenLive.commits,
      additions: frozenLive.additions,
      deletions: frozenLive.deletions,
      changedFiles: frozenLive.changedFiles,
    };
    Object.assign(pull, {
      state: 'closed',
      merged: true,
      mergedAt: now,
      closedAt: now,
      updatedAt: now,
      mergeCommitSha: sha,
      lastHeadSha: headSha,
      lastBaseSha: sha,
    });
    return { sha };
  }
}
