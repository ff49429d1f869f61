import { ConflictError, InputError } from '@backstage/errors';
import { readVersionIn, writeVersionIn } from '../manifests/strategies';
import { BranchLocks } from '../scm/BranchLocks';
import {
  CommitAuthor,
  FileChange,
  PullRequestRef,
  StaleBranchError,
} from '../scm/ManifestRepository';
import { ManifestRepositories } from '../scm/ManifestRepositories';
import { Target } from '../targets/TargetResolver';
import { manifestFiles, selectManifestFiles } from '../targets/manifestFile';
import { unifiedDiff } from './fileDiff';

/** One target moved to one version. */
export interface PlannedEdit {
  target: Target;
  version: string;
}

/** What an edit found and did. */
export interface AppliedEdit extends PlannedEdit {
  previous?: string;
  changed: boolean;
  /** The files this edit changed (several for a raw-image folder or glob). */
  files: string[];
}

/** A change set: edits that land as one commit, or one pull request. */
export interface ChangeSet {
  edits: PlannedEdit[];
  mode: 'commit' | 'pull-request';
  /** Shipdeck's deterministic branch for the pull request. */
  pullRequestBranch?: string;
  message: (edits: AppliedEdit[]) => string;
  pullRequestTitle?: (edits: AppliedEdit[]) => string;
  pullRequestBody?: (edits: AppliedEdit[]) => string;
  author: CommitAuthor;
}

export interface ChangeSetResult {
  edits: AppliedEdit[];
  /** The branch head the edits were computed against. */
  baseSha: string;
  commitSha?: string;
  pullRequest?: PullRequestRef;
  /** Nothing to write: every target already runs its version. */
  unchanged: boolean;
}

/** What a change set would do, computed against the branch head and not written. */
export interface ChangeSetPreview {
  /**
   * Each edit with the unified diff of every file it changes; an edit that
   * changes nothing has its location with an empty diff.
   */
  edits: Array<AppliedEdit & { diffs: Array<{ path: string; diff: string }> }>;
  repository: string;
  branch: string;
  baseSha: string;
  unchanged: boolean;
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/**
 * Applies change sets to manifest repositories. Reads the branch head,
 * edits every file in memory (pure functions), then writes one commit with a
 * compare-and-swap on the head; when another writer got there first, it
 * re-reads and re-applies, a bounded number of times. A change set therefore
 * lands whole or not at all.
 */
export class ChangeSetWriter {
  constructor(
    private readonly repositories: ManifestRepositories,
    private readonly locks = new BranchLocks(),
    private readonly options: { maxAttempts: number; backoffMs: number } = {
      maxAttempts: 8,
      backoffMs: 50,
    },
  ) {}

  /** The version a target runs according to its branch head, if it can be read. */
  async readCurrentVersion(target: Target): Promise<string | undefined> {
    const head = await this.repositories
      .get(target.manifest.repo)
      .getHead(target.manifest.branch);
    const paths = await this.#filesOf(target, head);
    const contents = await this.#read(target, head, paths);
    return readVersionIn(
      paths.map(path => ({ path, content: contents.get(path)! })),
      editTarget(target),
    );
  }

  async apply(changeSet: ChangeSet): Promise<ChangeSetResult> {
    const { repo, branch } = this.#singleLocation(changeSet);
    const landed = await this.land({
      repo,
      branch,
      mode: changeSet.mode,
      pullRequestBranch: changeSet.pullRequestBranch,
      author: changeSet.author,
      compute: baseSha => this.#edit(changeSet.edits, baseSha),
      message: ({ edits }) => changeSet.message(edits.filter(e => e.changed)),
      pullRequestTitle: ({ edits }) => {
        const changed = edits.filter(e => e.changed);
        return (
          changeSet.pullRequestTitle?.(changed) ?? changeSet.message(changed)
        );
      },
      pullRequestBody: ({ edits }) =>
        changeSet.pullRequestBody?.(edits.filter(e => e.changed)) ?? '',
    });
    const { result, ...rest } = landed;
    return { ...rest, edits: result.edits };
  }

  /**
   * Lands files computed from the branch head as one commit (a
   * compare-and-swap on the branch, re-computed and retried when another
   * writer moved it) or as one pull request on Shipdeck's branch. `compute`
   * is called again on every attempt, so what it checks (a file that must
   * not exist yet, a version to edit) holds for the commit that lands.
   */
  async land<T>(options: {
    repo: string;
    branch: string;
    mode: 'commit' | 'pull-request';
    pullRequestBranch?: string;
    author: CommitAuthor;
    compute: (baseSha: string) => Promise<{ files: FileChange[] } & T>;
    message: (computed: T) => string;
    pullRequestTitle?: (computed: T) => string;
    pullRequestBody?: (computed: T) => string;
  }): Promise<{
    result: T;
    baseSha: string;
    commitSha?: string;
    pullRequest?: PullRequestRef;
    unchanged: boolean;
  }> {
    const { branch } = options;
    const repo = this.repositories.get(options.repo);
    return this.locks.run(`${options.repo}#${branch}`, async () => {
      for (let attempt = 1; ; attempt++) {
        const baseSha = await repo.getHead(branch);
        const { files, ...result } = await options.compute(baseSha);
        const computed = result as unknown as T;
        if (files.length === 0) {
          return { result: computed, baseSha, unchanged: true };
        }
        const message = options.message(computed);
        if (options.mode === 'pull-request') {
          const { sha } = await repo.createCommit({
            parent: baseSha,
            message,
            files,
            author: options.author,
            branch: options.pullRequestBranch,
          });
          const pullRequest = await repo.openOrUpdatePullRequest({
            head: options.pullRequestBranch!,
            base: branch,
            sha,
            title: options.pullRequestTitle?.(computed) ?? message,
            body: options.pullRequestBody?.(computed) ?? '',
          });
          return {
            result: computed,
            baseSha,
            commitSha: sha,
            pullRequest,
            unchanged: false,
          };
        }
        try {
          const { sha } = await repo.commitFiles({
            branch,
            parent: baseSha,
            message,
            files,
            author: options.author,
          });
          return {
            result: computed,
            baseSha,
            commitSha: sha,
            unchanged: false,
          };
        } catch (error) {
          if (
            !(error instanceof StaleBranchError) ||
            attempt >= this.options.maxAttempts
          ) {
            if (error instanceof StaleBranchError) {
              throw new ConflictError(
                `${options.repo}@${branch} kept moving; gave up after ${attempt} attempts. Nothing was written.`,
              );
            }
            throw error;
          }
          // Another writer moved the branch: back off with jitter and re-apply.
          await sleep(this.options.backoffMs * attempt * (0.5 + Math.random()));
        }
      }
    });
  }

  /**
   * The same reading and pure editing as {@link apply}, without writing: a
   * dry run shows exactly the bytes a confirmation would commit, as long as
   * the branch does not move in between.
   */
  async preview(
    changeSet: Pick<ChangeSet, 'edits'>,
  ): Promise<ChangeSetPreview> {
    const { repo: repoId, branch } = this.#singleLocation(changeSet);
    const baseSha = await this.repositories.get(repoId).getHead(branch);
    const { edits, files, originals } = await this.#edit(
      changeSet.edits,
      baseSha,
    );
    // Several edits of one file (a release) share the file's whole diff.
    const diffs = new Map(
      files.map(file => [
        file.path,
        unifiedDiff(file.path, originals.get(file.path)!, file.content),
      ]),
    );
    return {
      edits: edits.map(edit => ({
        ...edit,
        diffs: edit.changed
          ? edit.files.map(path => ({ path, diff: diffs.get(path) ?? '' }))
          : [{ path: manifestFiles(edit.target.manifest).path, diff: '' }],
      })),
      repository: repoId,
      branch,
      baseSha,
      unchanged: files.length === 0,
    };
  }

  #singleLocation(changeSet: Pick<ChangeSet, 'edits'>) {
    if (changeSet.edits.length === 0) {
      throw new InputError('A change set needs at least one target');
    }
    const [first] = changeSet.edits;
    const { repo, branch } = first.target.manifest;
    const elsewhere = changeSet.edits.filter(
      e =>
        e.target.manifest.repo !== repo || e.target.manifest.branch !== branch,
    );
    if (elsewhere.length) {
      throw new InputError(
        `One change set must land in one repository and branch; ${repo}@${branch} and ${elsewhere
          .map(e => `${e.target.manifest.repo}@${e.target.manifest.branch}`)
          .join(', ')} differ`,
      );
    }
    const seen = new Set<string>();
    for (const edit of changeSet.edits) {
      const key = `${edit.target.entityRef}/${edit.target.environment.name}`;
      if (seen.has(key)) {
        throw new InputError(`${key} appears twice in one change set`);
      }
      seen.add(key);
    }
    return { repo, branch };
  }

  /**
   * The files a target covers at a commit: its one file, or what a
   * raw-image folder or glob matches there (an InputError naming the path
   * when nothing does).
   */
  async #filesOf(target: Target, commit: string): Promise<string[]> {
    const { repo, branch } = target.manifest;
    const files = manifestFiles(target.manifest);
    const listed =
      files.kind === 'file'
        ? []
        : await this.repositories.get(repo).listFiles(commit, files.base);
    return selectManifestFiles(files, listed, `${repo}@${branch}`);
  }

  /** Files' contents at a commit, read at once; an InputError names a missing one. */
  async #read(
    { manifest: { repo, branch } }: Target,
    commit: string,
    paths: string[],
  ): Promise<Map<string, string>> {
    const contents = new Map<string, string>();
    const read = await this.repositories.get(repo).readFiles(commit, paths);
    for (const [path, content] of read) {
      if (content === undefined) {
        throw new InputError(`${path} does not exist in ${repo}@${branch}`);
      }
      contents.set(path, content);
    }
    return contents;
  }

  // Every file is read at once (a constant number of requests, however
  // many targets); edits of the same file then apply one after another to
  // its content.
  async #edit(planned: PlannedEdit[], baseSha: string) {
    const filesOf = await Promise.all(
      planned.map(e => this.#filesOf(e.target, baseSha)),
    );
    const originals = await this.#read(planned[0].target, baseSha, [
      ...new Set(filesOf.flat()),
    ]);
    const contents = new Map(originals);
    const edits: AppliedEdit[] = planned.map((edit, i) => {
      const result = writeVersionIn(
        filesOf[i].map(path => ({ path, content: contents.get(path)! })),
        editTarget(edit.target),
        edit.version,
      );
      for (const file of result.changed) {
        contents.set(file.path, file.content);
      }
      return {
        ...edit,
        previous: result.previous,
        changed: result.changed.length > 0,
        files: result.changed.map(f => f.path),
      };
    });
    const files: FileChange[] = [...contents]
      .filter(([path, content]) => originals.get(path) !== content)
      .map(([path, content]) => ({ path, content }));
    return { edits, files, originals };
  }
}

/** What the manifest strategies need to read or write a target's version. */
export function editTarget(target: Target) {
  const files = manifestFiles(target.manifest);
  return {
    file: files.path,
    several: files.kind !== 'file',
    strategy: target.manifest.strategy,
    image: target.manifest.image,
    key: target.manifest.key,
  };
}
