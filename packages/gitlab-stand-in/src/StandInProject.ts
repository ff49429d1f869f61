import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git, GitError, listTree, readRef } from '@shipdeck/github-stand-in';

/** A merge request as the stand-in keeps it. */
export interface MergeRequestRecord {
  iid: number;
  title: string;
  description: string;
  sourceBranch: string;
  targetBranch: string;
  state: 'opened' | 'closed' | 'merged';
  /** The source branch's head when last looked at (kept once merged or closed). */
  sha?: string;
  mergeCommitSha?: string;
  approvedBy: string[];
  /** The head pipeline's status, e.g. `running`, `success`, `failed`. */
  pipelineStatus?: string;
  createdAt: string;
  updatedAt: string;
}

/** One action of the commits API, as GitLab documents it. */
export interface CommitAction {
  action: 'create' | 'update' | 'delete';
  file_path: string;
  content?: string;
  encoding?: 'text' | 'base64';
  last_commit_id?: string;
}

/** GitLab's answer to a commit it refuses: 400 with this message. */
export class CommitRefused extends Error {
  readonly name = 'CommitRefused';
}

/**
 * One GitLab project over a bare repository: the Git work GitLab's commits,
 * branches and merge requests APIs do, with GitLab's validation rules
 * (transcribed from its Commits::CreateService and Files::MultiService).
 * Writes to one project are serialised, and every ref update is a
 * compare-and-swap (`git update-ref <ref> <new> <old>`), as Gitaly's are.
 */
export class StandInProject {
  readonly mergeRequests: MergeRequestRecord[] = [];
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly id: number,
    readonly fullPath: string,
    readonly dir: string,
  ) {}

  /** Runs `fn` after every earlier write of this project. */
  serialise<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  git(...args: string[]) {
    return git(this.dir, args);
  }

  branchHead(branch: string): Promise<string | undefined> {
    return readRef(this.dir, `refs/heads/${branch}`);
  }

  /** The commit a tag points to, peeled. */
  tagCommit(tag: string): Promise<string | undefined> {
    return readRef(this.dir, `refs/tags/${tag}^{commit}`);
  }

  /** A commit, branch or tag name as a commit sha. */
  resolve(ref: string): Promise<string | undefined> {
    return readRef(this.dir, `${ref}^{commit}`);
  }

  /** A file's text at a commit, or undefined when it is not a file there. */
  async text(commit: string, path: string): Promise<string | undefined> {
    const entry = await this.#entry(commit, path);
    if (entry?.type !== 'blob') return undefined;
    return git(this.dir, ['cat-file', 'blob', entry.sha]);
  }

  async #entry(commit: string, path: string) {
    try {
      const [entry] = await listTree(this.dir, commit, path);
      return entry?.path === path ? entry : undefined;
    } catch (error) {
      if (error instanceof GitError) return undefined;
      throw error;
    }
  }

  /** The last commit reachable from `ref` that changed `path`, as GitLab's file_has_changed? asks. */
  async lastCommitFor(ref: string, path: string) {
    const sha = (
      await git(this.dir, ['log', '-1', '--format=%H', ref, '--', path])
    ).trim();
    return sha || undefined;
  }

  /**
   * POST /projects/:id/repository/commits: one commit of every action on
   * top of `start_sha`, `start_branch` or `branch`, then `branch` moved to
   * it; refused whole (400) when an action does not apply.
   */
  async commit(options: {
    branch: string;
    startBranch?: string;
    startSha?: string;
    force?: boolean;
    message: string;
    actions: CommitAction[];
    author: { name: string; email: string };
  }): Promise<string> {
    return this.serialise(async () => {
      const { branch, startSha, force } = options;
      if (startSha && options.startBranch) {
        throw new CommitRefused(
          "You can't pass both start_branch and start_sha",
        );
      }
      const startBranch = startSha ? undefined : options.startBranch ?? branch;
      const existing = await this.branchHead(branch);
      let start: string | undefined;
      if (startSha) {
        start = await this.resolve(startSha);
        if (!start || !/^[0-9a-f]{40}$/.test(startSha)) {
          throw new CommitRefused(`Cannot find start_sha '${startSha}'`);
        }
      } else {
        start = await this.branchHead(startBranch!);
        if (!start) {
          throw new CommitRefused(
            'You can only create or edit files when you are on a branch',
          );
        }
      }
      const differentBranch = startBranch !== branch || !!startSha;
      if (differentBranch && existing && !force) {
        throw new CommitRefused(
          `A branch called '${branch}' already exists. Switch to that branch in order to make changes`,
        );
      }
      if (!options.actions?.length) {
        throw new CommitRefused('actions is missing');
      }
      const index = `${this.dir}/shipdeck-${process.pid}-${Date.now()}.index`;
      const env = { GIT_INDEX_FILE: index };
      try {
        await git(this.dir, ['read-tree', start], { env });
        const paths = options.actions.map(a => a.file_path);
        const files = await this.#blobPaths(start, paths);
        for (const action of options.actions) {
          const present = files.has(action.file_path);
          if (action.action === 'create' && present) {
            throw new CommitRefused('A file with this name already exists');
          }
          if (action.action !== 'create' && !present) {
            throw new CommitRefused("A file with this name doesn't exist");
          }
        }
        if (startBranch) {
          const changed = await this.#changedSince(
            start,
            options.actions.filter(
              a => a.action !== 'create' && a.last_commit_id,
            ),
          );
          if (changed) {
            throw new CommitRefused(
              `The file has changed since you started editing it: ${changed}`,
            );
          }
        }
        const written = options.actions.filter(a => a.action !== 'delete');
        const blobs = await this.#writeBlobs(
          written.map(a =>
            a.encoding === 'base64'
              ? Buffer.from(a.content ?? '', 'base64')
              : Buffer.from(a.content ?? '', 'utf8'),
          ),
        );
        const records = [
          ...written.map((a, i) => `100644 ${blobs[i]}\t${a.file_path}`),
          ...options.actions
            .filter(a => a.action === 'delete')
            .map(a => `0 ${'0'.repeat(40)}\t${a.file_path}`),
        ];
        await git(this.dir, ['update-index', '-z', '--index-info'], {
          env,
          input: `${records.join('\0')}\0`,
        });
        const tree = (await git(this.dir, ['write-tree'], { env })).trim();
        const identity = {
          GIT_AUTHOR_NAME: options.author.name,
          GIT_AUTHOR_EMAIL: options.author.email,
          GIT_COMMITTER_NAME: 'GitLab stand-in',
          GIT_COMMITTER_EMAIL: 'stand-in@gitlab.invalid',
        };
        const sha = (
          await git(this.dir, ['commit-tree', tree, '-p', start], {
            input: options.message,
            env: identity,
          })
        ).trim();
        // A compare-and-swap on the branch, as Gitaly's UserCommitFiles.
        await git(this.dir, [
          'update-ref',
          `refs/heads/${branch}`,
          sha,
          existing ?? '0'.repeat(40),
        ]);
        return sha;
      } finally {
        await rm(index, { force: true });
      }
    });
  }

  /** Which of `paths` are files at `commit` (one `git ls-tree`). */
  async #blobPaths(commit: string, paths: string[]): Promise<Set<string>> {
    const out = await git(this.dir, ['ls-tree', '-z', commit, '--', ...paths]);
    return new Set(
      out
        .split('\0')
        .filter(line => line.split(/\s+/)[1] === 'blob')
        .map(line => line.slice(line.indexOf('\t') + 1)),
    );
  }

  /**
   * The first path GitLab would call changed since its action's
   * `last_commit_id` (Files::BaseService#file_has_changed?: the path's last
   * commit on the branch differs from its last commit as of that id). For
   * an id the branch descends from, that is a commit since the id touching
   * the path: one `git log` per id rather than two per path.
   */
  async #changedSince(
    start: string,
    actions: CommitAction[],
  ): Promise<string | undefined> {
    const byId = new Map<string, string[]>();
    for (const a of actions) {
      byId.set(a.last_commit_id!, [
        ...(byId.get(a.last_commit_id!) ?? []),
        a.file_path,
      ]);
    }
    for (const [id, paths] of byId) {
      const since = await this.resolve(id);
      if (since === start) continue;
      const descends =
        since &&
        (await git(this.dir, ['merge-base', '--is-ancestor', since, start])
          .then(() => true)
          .catch(() => false));
      if (descends) {
        const touched = new Set(
          (
            await git(this.dir, [
              'log',
              '--format=',
              '--name-only',
              `${since}..${start}`,
              '--',
              ...paths,
            ])
          )
            .split('\n')
            .filter(Boolean),
        );
        const changed = paths.find(p => touched.has(p));
        if (changed) return changed;
        continue;
      }
      for (const path of paths) {
        const onBranch = await this.lastCommitFor(start, path);
        const asOf = await this.lastCommitFor(id, path);
        if (onBranch && asOf && onBranch !== asOf) return path;
      }
    }
    return undefined;
  }

  /** Writes blobs in one `git hash-object` and returns their ids, in order. */
  async #writeBlobs(contents: Buffer[]): Promise<string[]> {
    if (!contents.length) return [];
    const dir = await mkdtemp(join(tmpdir(), 'gitlab-stand-in-blobs-'));
    try {
      const files = await Promise.all(
        contents.map(async (content, i) => {
          const file = join(dir, String(i));
          await writeFile(file, content);
          return file;
        }),
      );
      return (
        await git(this.dir, ['hash-object', '-w', '--stdin-paths'], {
          input: files.join('\n'),
        })
      )
        .trim()
        .split('\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** The merge request's source head, kept current while it is open. */
  async refresh(mr: MergeRequestRecord): Promise<MergeRequestRecord> {
    if (mr.state === 'opened') {
      mr.sha = (await this.branchHead(mr.sourceBranch)) ?? mr.sha;
    }
    return mr;
  }

  /** PUT /merge_requests/:iid/merge: a merge commit (GitLab's default merge method). */
  async merge(mr: MergeRequestRecord, author: string): Promise<string> {
    return this.serialise(async () => {
      const source = await this.branchHead(mr.sourceBranch);
      const target = await this.branchHead(mr.targetBranch);
      if (!source || !target) {
        throw new CommitRefused('Branch cannot be merged');
      }
      let tree: string;
      try {
        tree = (
          await git(this.dir, ['merge-tree', '--write-tree', target, source])
        ).split('\n')[0];
      } catch (error) {
        if (error instanceof GitError) {
          throw new CommitRefused('Branch cannot be merged');
        }
        throw error;
      }
      const sha = (
        await git(this.dir, ['commit-tree', tree, '-p', target, '-p', source], {
          input: `Merge branch '${mr.sourceBranch}' into '${mr.targetBranch}'\n\n${mr.title}\n\nSee merge request ${this.fullPath}!${mr.iid}`,
          env: {
            GIT_AUTHOR_NAME: author,
            GIT_AUTHOR_EMAIL: `${author}@gitlab.invalid`,
            GIT_COMMITTER_NAME: author,
            GIT_COMMITTER_EMAIL: `${author}@gitlab.invalid`,
          },
        })
      ).trim();
      await git(this.dir, [
        'update-ref',
        `refs/heads/${mr.targetBranch}`,
        sha,
        target,
      ]);
      mr.state = 'merged';
      mr.sha = source;
      mr.mergeCommitSha = sha;
      mr.updatedAt = new Date().toISOString();
      return sha;
    });
  }
}
