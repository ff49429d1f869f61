import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  CommitAuthor,
  FileChange,
  ManifestRepository,
  PullRequestObservation,
  PullRequestRef,
  StaleBranchError,
} from '../ManifestRepository';
import { SourceCommit } from '@shipdeck/plugin-gitops-common';
import { git, gitBytes, GitError, ZERO_SHA } from './git';
import { writeCommit } from './writeCommit';

/** A pull request of a local repository; GitHub keeps these for us, here a file does. */
export interface LocalPullRequest {
  number: number;
  head: string;
  base: string;
  title: string;
  body: string;
  state: 'open' | 'closed' | 'merged';
  createdAt: string;
  updatedAt: string;
  mergeCommit?: string;
}

/**
 * A manifest repository that is a bare Git repository on disk: the embedded
 * default and a test peer. Same semantics as GitHub: commits never touch a
 * working tree, branch updates are compare-and-swap (`git update-ref` with
 * the expected old value), and pull requests live on deterministic branches.
 */
export class LocalGitManifestRepository implements ManifestRepository {
  #pullsLock: Promise<unknown> = Promise.resolve();

  constructor(
    readonly id: string,
    private readonly gitDir: string,
    private readonly options: { webBaseUrl?: string } = {},
  ) {}

  async getHead(branch: string): Promise<string> {
    return this.#commitOf(`refs/heads/${branch}`, `branch ${branch}`);
  }

  async resolveTag(tag: string): Promise<string> {
    return this.#commitOf(`refs/tags/${tag}`, `tag ${tag}`);
  }

  /** The commit a ref points to (peeled); a NotFoundError naming `what`. */
  async #commitOf(ref: string, what: string): Promise<string> {
    try {
      return (
        await git(this.gitDir, [
          'rev-parse',
          '--verify',
          '--quiet',
          `${ref}^{commit}`,
        ])
      ).trim();
    } catch (error) {
      if (error instanceof GitError) {
        throw new NotFoundError(`Repository ${this.id} has no ${what}`);
      }
      throw error;
    }
  }

  async readFile(commit: string, path: string): Promise<string | undefined> {
    try {
      return await git(this.gitDir, ['cat-file', 'blob', `${commit}:${path}`]);
    } catch (error) {
      if (error instanceof GitError) {
        return undefined;
      }
      throw error;
    }
  }

  async listFiles(commit: string, folder: string): Promise<string[]> {
    const out = await git(this.gitDir, [
      'ls-tree',
      '-r',
      '-z',
      commit,
      '--',
      ...(folder ? [`${folder}/`] : []),
    ]);
    // `<mode> <type> <sha>\t<path>`: regular files only (100644 / 100755).
    return out
      .split('\0')
      .map(line => /^100(?:644|755) blob \S+\t(.+)$/s.exec(line)?.[1])
      .filter((path): path is string => path !== undefined);
  }

  /** All the files through one `git cat-file --batch`. */
  async readFiles(
    commit: string,
    paths: string[],
  ): Promise<Map<string, string | undefined>> {
    // One expression per input line: a path with a newline names no file.
    const asked = [...new Set(paths)].filter(p => !/[\r\n]/.test(p));
    const out = asked.length
      ? await gitBytes(this.gitDir, ['cat-file', '--batch'], {
          input: asked.map(p => `${commit}:${p}\n`).join(''),
        })
      : Buffer.alloc(0);
    const files = new Map<string, string | undefined>();
    let at = 0;
    for (const path of asked) {
      const end = out.indexOf(0x0a, at);
      const header = out.subarray(at, end).toString('utf8');
      at = end + 1;
      // `<sha> <type> <size>` then the content, or `<expression> missing`.
      const match = /^[0-9a-f]{40,64} (\w+) (\d+)$/.exec(header);
      if (match) {
        const size = Number(match[2]);
        if (match[1] === 'blob') {
          files.set(path, out.subarray(at, at + size).toString('utf8'));
        }
        at += size + 1;
      }
    }
    return new Map(paths.map(path => [path, files.get(path)]));
  }

  async createCommit(options: {
    parent: string;
    message: string;
    files: FileChange[];
    author: CommitAuthor;
  }): Promise<{ sha: string }> {
    return { sha: await writeCommit(this.gitDir, options) };
  }

  async commitFiles(options: {
    branch: string;
    parent: string;
    message: string;
    files: FileChange[];
    author: CommitAuthor;
  }): Promise<{ sha: string }> {
    const { sha } = await this.createCommit(options);
    await this.#compareAndSwap(options.branch, sha, options.parent);
    return { sha };
  }

  async openOrUpdatePullRequest(options: {
    head: string;
    base: string;
    sha: string;
    title: string;
    body: string;
  }): Promise<PullRequestRef> {
    await git(this.gitDir, [
      'update-ref',
      `refs/heads/${options.head}`,
      options.sha,
    ]);
    return this.#withPulls(async pulls => {
      const now = new Date().toISOString();
      const open = pulls.find(
        p =>
          p.state === 'open' &&
          p.head === options.head &&
          p.base === options.base,
      );
      if (open) {
        Object.assign(open, {
          title: options.title,
          body: options.body,
          updatedAt: now,
        });
        return { ...this.#ref(open), created: false };
      }
      const pull: LocalPullRequest = {
        number: pulls.reduce((max, p) => Math.max(max, p.number), 0) + 1,
        head: options.head,
        base: options.base,
        title: options.title,
        body: options.body,
        state: 'open',
        createdAt: now,
        updatedAt: now,
      };
      pulls.push(pull);
      return { ...this.#ref(pull), created: true };
    });
  }

  async listPullRequests(): Promise<LocalPullRequest[]> {
    return this.#withPulls(async pulls => pulls.map(p => ({ ...p })));
  }

  /**
   * Merges an open pull request the way GitHub's merge button does: a
   * fast-forward when possible, otherwise a merge commit; the base moves by
   * compare-and-swap like every other write.
   */
  async mergePullRequest(
    number: number,
    author: CommitAuthor,
  ): Promise<{ sha: string }> {
    return this.#withPulls(async pulls => {
      const pull = pulls.find(p => p.number === number);
      if (!pull) {
        throw new NotFoundError(
          `Repository ${this.id} has no pull request #${number}`,
        );
      }
      if (pull.state !== 'open') {
        throw new ConflictError(
          `Pull request #${number} of ${this.id} is ${pull.state}`,
        );
      }
      const base = await this.getHead(pull.base);
      const head = await this.getHead(pull.head);
      let sha = head;
      const fastForward = await git(this.gitDir, [
        'merge-base',
        '--is-ancestor',
        base,
        head,
      ]).then(
        () => true,
        () => false,
      );
      if (!fastForward) {
        const tree = await git(this.gitDir, [
          'merge-tree',
          '--write-tree',
          base,
          head,
        ]).catch((error: GitError) => {
          throw new ConflictError(
            `Pull request #${number} of ${this.id} conflicts with ${
              pull.base
            }: ${error.stderr.trim()}`,
          );
        });
        sha = (
          await git(
            this.gitDir,
            [
              'commit-tree',
              tree.split('\n')[0].trim(),
              '-p',
              base,
              '-p',
              head,
              '-F',
              '-',
            ],
            {
              input: `Merge pull request #${number} from ${pull.head}\n\n${pull.title}`,
              env: {
                GIT_AUTHOR_NAME: author.name,
                GIT_AUTHOR_EMAIL: author.email,
                GIT_COMMITTER_NAME: 'Shipdeck',
                GIT_COMMITTER_EMAIL: 'shipdeck@localhost',
              },
            },
          )
        ).trim();
      }
      await this.#compareAndSwap(pull.base, sha, base);
      Object.assign(pull, {
        state: 'merged',
        mergeCommit: sha,
        updatedAt: new Date().toISOString(),
      });
      return { sha };
    });
  }

  /**
   * A pull request as it stands. One whose branch head has reached its base
   * by plain git (`git merge` and a push, not Shipdeck's merge route)
   * becomes merged here, at the base commit that took it in.
   */
  async readPullRequest(number: number): Promise<PullRequestObservation> {
    return this.#withPulls(async pulls => {
      const pull = pulls.find(p => p.number === number);
      if (!pull) {
        throw new NotFoundError(
          `Repository ${this.id} has no pull request #${number}`,
        );
      }
      const head = await this.getHead(pull.head).catch(() => undefined);
      if (pull.state === 'open' && head) {
        const mergeCommit = await this.#mergedAt(head, pull.base);
        if (mergeCommit) {
          Object.assign(pull, {
            state: 'merged',
            mergeCommit,
            updatedAt: new Date().toISOString(),
          });
        }
      }
      return {
        state: pull.state,
        ...(head ? { headSha: head } : {}),
        ...(pull.mergeCommit ? { mergeCommitSha: pull.mergeCommit } : {}),
      };
    });
  }

  /**
   * The commit of `branch`'s first-parent line that took `head` in: `head`
   * itself after a fast-forward, else the merge commit; undefined while
   * `head` is not in the branch.
   */
  async #mergedAt(head: string, branch: string): Promise<string | undefined> {
    const base = await this.getHead(branch).catch(() => undefined);
    if (
      !base ||
      !(await git(this.gitDir, [
        'merge-base',
        '--is-ancestor',
        head,
        base,
      ]).then(
        () => true,
        () => false,
      ))
    ) {
      return undefined;
    }
    const after = (
      await git(this.gitDir, [
        'rev-list',
        '--first-parent',
        '--ancestry-path',
        `${head}..${base}`,
      ])
    )
      .split('\n')
      .filter(Boolean);
    const oldest = after[after.length - 1];
    if (!oldest) return head;
    const [firstParent] = (
      await git(this.gitDir, ['rev-parse', `${oldest}^1`])
    ).split('\n');
    return firstParent.trim() === head ? head : oldest;
  }

  /** A commit as `git show` prints it, for the links Shipdeck hands out. */
  async showCommit(sha: string): Promise<string> {
    if (!/^[0-9a-f]{7,40}$/.test(sha)) {
      throw new NotFoundError(`No commit ${sha} in ${this.id}`);
    }
    return git(this.gitDir, [
      'show',
      '--stat',
      '--patch',
      '--format=fuller',
      sha,
    ]).catch(() => {
      throw new NotFoundError(`No commit ${sha} in ${this.id}`);
    });
  }

  fileUrl(branch: string, path: string): string | undefined {
    return this.options.webBaseUrl
      ? `${this.options.webBaseUrl}/files/${path
          .split('/')
          .map(encodeURIComponent)
          .join('/')}?ref=${encodeURIComponent(branch)}`
      : undefined;
  }

  /** `git log base..head`, newest first, and `git rev-list --count` for the total. */
  async compareCommits(
    base: string,
    head: string,
    limit: number,
  ): Promise<{ commits: SourceCommit[]; total: number }> {
    const [from, to] = await Promise.all([
      this.#commitOf(base, base),
      this.#commitOf(head, head),
    ]);
    const range = `${from}..${to}`;
    const [log, count] = await Promise.all([
      git(this.gitDir, [
        'log',
        `--max-count=${limit}`,
        // Unit and record separators: messages may hold anything else.
        '--format=%H%x1f%an%x1f%aI%x1f%s%x1e',
        range,
      ]),
      git(this.gitDir, ['rev-list', '--count', range]),
    ]);
    return {
      commits: log
        .split('\x1e')
        .map(record => record.trim())
        .filter(Boolean)
        .map(record => {
          const [sha, author, date, title] = record.split('\x1f');
          const url = this.commitUrl(sha);
          return { sha, title, author, date, ...(url ? { url } : {}) };
        }),
      total: Number(count.trim()),
    };
  }

  commitUrl(sha: string): string | undefined {
    return this.options.webBaseUrl
      ? `${this.options.webBaseUrl}/commits/${sha}`
      : undefined;
  }

  async #compareAndSwap(
    branch: string,
    next: string,
    expected: string | undefined,
  ) {
    try {
      await git(this.gitDir, [
        'update-ref',
        `refs/heads/${branch}`,
        next,
        expected ?? ZERO_SHA,
      ]);
    } catch (error) {
      if (error instanceof GitError) {
        throw new StaleBranchError(branch, expected ?? ZERO_SHA);
      }
      throw error;
    }
  }

  #ref(pull: LocalPullRequest): Omit<PullRequestRef, 'created'> {
    return {
      number: pull.number,
      state: pull.state,
      url: this.options.webBaseUrl
        ? `${this.options.webBaseUrl}/pulls/${pull.number}`
        : `${this.id}#pull/${pull.number}`,
    };
  }

  // Pull requests are a small JSON file inside the git directory; writes are
  // serialised in this process and replaced atomically on disk.
  async #withPulls<T>(
    fn: (pulls: LocalPullRequest[]) => Promise<T>,
  ): Promise<T> {
    const run = this.#pullsLock.then(async () => {
      const dir = join(this.gitDir, 'shipdeck');
      const file = join(dir, 'pull-requests.json');
      const pulls: LocalPullRequest[] = await readFile(file, 'utf8').then(
        text => JSON.parse(text),
        () => [],
      );
      const before = JSON.stringify(pulls);
      const result = await fn(pulls);
      if (JSON.stringify(pulls) !== before) {
        await mkdir(dir, { recursive: true });
        await writeFile(`${file}.tmp`, JSON.stringify(pulls, null, 2));
        await rename(`${file}.tmp`, file);
      }
      return result;
    });
    this.#pullsLock = run.catch(() => undefined);
    return run;
  }
}
