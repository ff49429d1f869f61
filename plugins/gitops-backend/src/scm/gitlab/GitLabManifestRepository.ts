import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  DefaultGitlabCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import { Gitlab } from '@gitbeaker/rest';
import {
  CommitAuthor,
  FileChange,
  ManifestRepository,
  PullRequestObservation,
  PullRequestRef,
  StaleBranchError,
} from '../ManifestRepository';
import { gitlabFailure, isStaleWrite, mapGitLabError } from './gitlabErrors';
import { mergeRequestObservation } from './gitlabMergeRequest';

/** Files looked up per GraphQL query (GitLab caps a query's complexity). */
const FILES_PER_QUERY = 100;
/** Attempts of a GraphQL read that got no answer. */
const GRAPHQL_TRIES = 3;
/** Commits whose file existence is remembered (for create or update actions). */
const KNOWN_COMMITS = 200;

const READ_FILES_QUERY = `query ShipdeckReadFiles($project: ID!, $ref: String!, $paths: [String!]!) {
  project(fullPath: $project) {
    repository {
      blobs(ref: $ref, paths: $paths) { nodes { path rawTextBlob } }
    }
  }
}`;

interface BlobsAnswer {
  data?: {
    project: {
      repository: {
        blobs: { nodes: Array<{ path: string; rawTextBlob: string | null }> };
      } | null;
    } | null;
  };
  errors?: Array<{ message: string }>;
}

export interface GitLabManifestRepositoryOptions {
  /** The repository as configured, e.g. `gitlab.example.com/platform/deploy/manifests`. */
  id: string;
  /** The project's full path with its (nested) groups, e.g. `platform/deploy/manifests`. */
  project: string;
  /** REST API base URL, e.g. `https://gitlab.example.com/api/v4`. */
  apiBaseUrl: string;
  /** Web origin for links, e.g. `https://gitlab.example.com`. */
  webBaseUrl: string;
  /** Resolves the token for each request. */
  token: () => Promise<string>;
  logger?: LoggerService;
}

/**
 * A manifest repository on GitLab (gitlab.com or self-managed), written
 * through the commits API without a clone: every change set is one commit
 * of several actions, so nothing lands half-written.
 *
 * The compare-and-swap: GitLab's commits API cannot move an existing branch
 * on the condition that it is still at a given commit (`start_sha` refuses
 * an existing branch unless forced). What it can refuse is a write over a
 * change it did not see: each `update` action carries `last_commit_id` =
 * the commit Shipdeck read, and GitLab refuses the whole commit when the
 * file's last change on the branch differs from its last change as of that
 * commit; a `create` is refused when the file appeared meanwhile. Every
 * file Shipdeck writes was computed from the commit it read, so a commit
 * GitLab accepts loses nothing, though it may land on top of other
 * writers' changes to other files. A refusal is a {@link StaleBranchError}:
 * the caller re-reads and re-applies.
 *
 * Requests per operation: `getHead` 1, `readFile` 1, `readFiles` 1 GraphQL
 * query per 100 files, `listFiles` 1 per 100 entries under the folder,
 * `commitFiles` and `createCommit` 1 (plus 1 GraphQL query when the paths
 * were not read at the parent), `openOrUpdatePullRequest` 2 (list, then
 * create, or update when the title or description changed; 2 more when the
 * source branch must be moved to a commit not written on it),
 * `readPullRequest` 2, `resolveTag` 1.
 */
export class GitLabManifestRepository implements ManifestRepository {
  readonly id: string;
  readonly #project: string;
  readonly #webBaseUrl: string;
  readonly #graphqlUrl: string;
  readonly #token: () => Promise<string>;
  readonly #api: InstanceType<typeof Gitlab>;
  /** Per commit, which paths are files there (create or update actions). */
  readonly #known = new Map<string, Map<string, boolean>>();
  /** Source branches this instance last wrote, and the commit they are at. */
  readonly #branchAt = new Map<string, string>();

  /**
   * A repository from its id (`<host>/<group>[/<subgroup>…]/<project>`),
   * with the API base URL and token of the matching `integrations.gitlab`
   * entry.
   */
  static fromConfig(
    id: string,
    config: Config,
    logger?: LoggerService,
  ): GitLabManifestRepository {
    const [host, ...path] = id.split('/');
    if (path.length < 2 || path.some(s => !s)) {
      throw new InputError(
        `GitLab manifest repository '${id}' must look like <host>/<group>[/<subgroup>…]/<project>, e.g. gitlab.com/platform/deploy`,
      );
    }
    const integrations = ScmIntegrations.fromConfig(config);
    const integration = integrations.gitlab.byHost(host);
    if (!integration) {
      throw new InputError(
        `Manifest repository ${id} is on ${host}, which has no integrations.gitlab entry`,
      );
    }
    const credentials =
      DefaultGitlabCredentialsProvider.fromIntegrations(integrations);
    const webBaseUrl = (
      integration.config.baseUrl ?? `https://${host}`
    ).replace(/\/+$/, '');
    const project = path.join('/');
    return new GitLabManifestRepository({
      id,
      project,
      apiBaseUrl: integration.config.apiBaseUrl,
      webBaseUrl,
      token: async () => {
        const { token } = await credentials.getCredentials({
          url: `${webBaseUrl}/${project}`,
        });
        return token ?? '';
      },
      logger,
    });
  }

  constructor(options: GitLabManifestRepositoryOptions) {
    this.id = options.id;
    this.#project = options.project;
    this.#webBaseUrl = options.webBaseUrl.replace(/\/+$/, '');
    const apiBaseUrl = options.apiBaseUrl.replace(/\/+$/, '');
    // GraphQL lives beside REST: <origin>[/<relative root>]/api/graphql.
    this.#graphqlUrl = apiBaseUrl.replace(/\/v4$/, '/graphql');
    this.#token = options.token;
    this.#api = new Gitlab({
      host: apiBaseUrl.replace(/\/api\/v4$/, ''),
      // Looked up per request, so rotated tokens apply.
      token: options.token,
    });
  }

  async getHead(branch: string): Promise<string> {
    try {
      const data = await this.#api.Branches.show(this.#project, branch);
      return data.commit.id as string;
    } catch (error) {
      const failure = gitlabFailure(error);
      if (failure?.status === 404) {
        throw new NotFoundError(
          /project/i.test(failure.message)
            ? `Repository ${this.id}: GitLab has no project ${
                this.#project
              }, or the token cannot see it (so it has no branch ${branch})`
            : `Repository ${this.id} has no branch ${branch}`,
        );
      }
      throw mapGitLabError(this.id, error, `reading branch ${branch}`);
    }
  }

  async resolveTag(tag: string): Promise<string> {
    try {
      // GitLab answers with the commit an annotated tag points to.
      const data = await this.#api.Tags.show(this.#project, tag);
      return data.commit.id as string;
    } catch (error) {
      if (gitlabFailure(error)?.status === 404) {
        throw new NotFoundError(`Repository ${this.id} has no tag ${tag}`);
      }
      throw mapGitLabError(this.id, error, `reading tag ${tag}`);
    }
  }

  async readFile(commit: string, path: string): Promise<string | undefined> {
    const clean = path.replace(/^\/+/, '');
    try {
      const raw: unknown = await this.#api.RepositoryFiles.showRaw(
        this.#project,
        clean,
        commit,
      );
      return typeof raw === 'string' ? raw : await (raw as Blob).text();
    } catch (error) {
      if (gitlabFailure(error)?.status === 404) return undefined;
      throw mapGitLabError(this.id, error, `reading ${clean} at ${commit}`);
    }
  }

  /**
   * Reads files through GraphQL's `Repository.blobs`, which takes any number
   * of paths at one ref (REST needs a request per file).
   */
  async readFiles(
    commit: string,
    paths: string[],
  ): Promise<Map<string, string | undefined>> {
    const unique = [...new Set(paths.map(p => p.replace(/^\/+/, '')))];
    const contents = new Map<string, string | undefined>();
    const binary: string[] = [];
    for (let i = 0; i < unique.length; i += FILES_PER_QUERY) {
      const chunk = unique.slice(i, i + FILES_PER_QUERY);
      const found = await this.#lookUpBlobs(commit, chunk);
      for (const path of chunk) {
        const text = found.get(path);
        if (text === null) binary.push(path);
        else contents.set(path, text);
      }
    }
    // A binary file has no text over GraphQL; REST serves it whole.
    await Promise.all(
      binary.map(async path =>
        contents.set(path, await this.readFile(commit, path)),
      ),
    );
    return new Map(
      paths.map(path => [path, contents.get(path.replace(/^\/+/, ''))]),
    );
  }

  #isFile(commit: string, path: string) {
    return this.#known.get(commit)?.get(path) === true;
  }

  /** Texts by path (null for a binary file); a path that is not a file is absent. */
  async #lookUpBlobs(
    commit: string,
    paths: string[],
  ): Promise<Map<string, string | null | undefined>> {
    const action = `reading ${paths.length} file(s) at ${commit}`;
    let answer: BlobsAnswer;
    try {
      const response = await this.#postGraphql({
        query: READ_FILES_QUERY,
        variables: { project: this.#project, ref: commit, paths },
      });
      if (!response.ok) {
        throw Object.assign(new Error(`HTTP ${response.status}`), {
          cause: { response, description: await response.text() },
        });
      }
      answer = (await response.json()) as BlobsAnswer;
    } catch (error) {
      throw mapGitLabError(this.id, error, action);
    }
    if (answer.errors?.length) {
      throw mapGitLabError(
        this.id,
        new Error(answer.errors.map(e => e.message).join('; ')),
        action,
      );
    }
    const repository = answer.data?.project?.repository;
    if (!repository) {
      throw new NotFoundError(
        `GitLab ${this.id}: ${action} failed; no project ${
          this.#project
        }, or the token cannot see it`,
      );
    }
    const found = new Map<string, string | null>();
    for (const node of repository.blobs.nodes) {
      found.set(node.path, node.rawTextBlob);
    }
    this.#remember(
      commit,
      paths.map(path => [path, found.has(path)]),
    );
    return found;
  }

  /**
   * POSTs a GraphQL query. A read, so a request that got no answer at all
   * (connection refused or reset) is sent again, up to {@link GRAPHQL_TRIES}
   * times, as gitbeaker does for REST.
   */
  async #postGraphql(body: object): Promise<Response> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fetch(this.#graphqlUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${await this.#token()}`,
          },
          body: JSON.stringify(body),
        });
      } catch (error) {
        if (attempt >= GRAPHQL_TRIES) throw error;
        await new Promise(r => setTimeout(r, 100 * 2 ** attempt));
      }
    }
  }

  #remember(commit: string, entries: Array<[string, boolean]>) {
    let known = this.#known.get(commit);
    if (!known) {
      known = new Map();
      this.#known.set(commit, known);
      if (this.#known.size > KNOWN_COMMITS) {
        this.#known.delete(this.#known.keys().next().value!);
      }
    }
    for (const [path, isFile] of entries) known.set(path, isFile);
  }

  /** GitLab's commit actions for `files` on top of `parent`: create or update. */
  async #actions(parent: string, files: FileChange[], guard: boolean) {
    const paths = files.map(f => f.path.replace(/^\/+/, ''));
    const unknown = paths.filter(
      p => this.#known.get(parent)?.get(p) === undefined,
    );
    if (unknown.length) {
      for (let i = 0; i < unknown.length; i += FILES_PER_QUERY) {
        await this.#lookUpBlobs(parent, unknown.slice(i, i + FILES_PER_QUERY));
      }
    }
    return files.map((file, i) => {
      const exists = this.#isFile(parent, paths[i]);
      return {
        action: exists ? ('update' as const) : ('create' as const),
        filePath: paths[i],
        content: file.content,
        // The compare-and-swap (see the class comment).
        ...(exists && guard ? { lastCommitId: parent } : {}),
      };
    });
  }

  async createCommit(options: {
    parent: string;
    message: string;
    files: FileChange[];
    author: CommitAuthor;
    branch?: string;
  }): Promise<{ sha: string }> {
    const { parent, message, files, author } = options;
    // GitLab writes commits onto a branch: the pull request's own branch,
    // forced to a new commit on `parent` (Shipdeck's branch, rewritten on
    // every update as on GitHub).
    const branch = options.branch ?? `shipdeck/commits/${parent}`;
    const action = `writing a commit on ${parent} to ${branch}`;
    try {
      const commit = await this.#api.Commits.create(
        this.#project,
        branch,
        message,
        await this.#actions(parent, files, false),
        {
          startSha: parent,
          force: true,
          authorName: author.name,
          authorEmail: author.email,
        },
      );
      const sha = commit.id as string;
      this.#branchAt.set(branch, sha);
      return { sha };
    } catch (error) {
      throw mapGitLabError(this.id, error, action);
    }
  }

  async commitFiles(options: {
    branch: string;
    parent: string;
    message: string;
    files: FileChange[];
    author: CommitAuthor;
  }): Promise<{ sha: string }> {
    const { branch, parent, message, files, author } = options;
    try {
      const commit = await this.#api.Commits.create(
        this.#project,
        branch,
        message,
        await this.#actions(parent, files, true),
        {
          startBranch: branch,
          authorName: author.name,
          authorEmail: author.email,
        },
      );
      return { sha: commit.id as string };
    } catch (error) {
      if (isStaleWrite(gitlabFailure(error))) {
        throw new StaleBranchError(branch, parent);
      }
      if (
        gitlabFailure(error)?.status === 400 &&
        /only create or edit files when you are on a branch/i.test(
          gitlabFailure(error)!.message,
        )
      ) {
        throw new NotFoundError(
          `Repository ${this.id} has no branch ${branch}; nothing was written`,
        );
      }
      throw mapGitLabError(this.id, error, `committing to ${branch}`);
    }
  }

  async openOrUpdatePullRequest(options: {
    head: string;
    base: string;
    sha: string;
    title: string;
    body: string;
  }): Promise<PullRequestRef> {
    const { head, base, sha, title, body } = options;
    const action = `opening a merge request from ${head} into ${base}`;
    try {
      if (this.#branchAt.get(head) !== sha) {
        await this.#pointBranch(head, sha);
      }
      let open = await this.#findOpenMergeRequest(head, base);
      if (!open) {
        try {
          const created = await this.#api.MergeRequests.create(
            this.#project,
            head,
            base,
            title,
            { description: body, removeSourceBranch: true },
          );
          return {
            number: created.iid as number,
            url: created.web_url as string,
            state: 'open',
            created: true,
          };
        } catch (error) {
          // Opened concurrently since we looked: update that one instead.
          if (gitlabFailure(error)?.status !== 409) throw error;
          open = await this.#findOpenMergeRequest(head, base);
          if (!open) throw error;
        }
      }
      if (open.title !== title || (open.description ?? '') !== body) {
        await this.#api.MergeRequests.edit(this.#project, open.iid as number, {
          title,
          description: body,
        });
      }
      return {
        number: open.iid as number,
        url: open.web_url as string,
        state: 'open',
        created: false,
      };
    } catch (error) {
      throw mapGitLabError(this.id, error, action);
    }
  }

  async #findOpenMergeRequest(head: string, base: string) {
    const list = await this.#api.MergeRequests.all({
      projectId: this.#project,
      sourceBranch: head,
      targetBranch: base,
      state: 'opened',
      perPage: 10,
      maxPages: 1,
    });
    return list[0];
  }

  /**
   * GitLab has no API to move a branch to an existing commit: the branch is
   * deleted and created again at it (Shipdeck's own branch; an open merge
   * request survives its branch's re-creation).
   */
  async #pointBranch(branch: string, sha: string) {
    try {
      await this.#api.Branches.remove(this.#project, branch);
    } catch (error) {
      if (gitlabFailure(error)?.status !== 404) throw error;
    }
    await this.#api.Branches.create(this.#project, branch, sha);
    this.#branchAt.set(branch, sha);
  }

  async readPullRequest(
    number: number,
    _previous?: PullRequestObservation,
  ): Promise<PullRequestObservation> {
    try {
      const [mr, approvals] = await Promise.all([
        this.#api.MergeRequests.show(this.#project, number),
        this.#api.MergeRequestApprovals.showConfiguration(this.#project, {
          mergerequestIId: number,
        }),
      ]);
      return mergeRequestObservation(
        mr as unknown as Parameters<typeof mergeRequestObservation>[0],
        approvals as unknown as Parameters<typeof mergeRequestObservation>[1],
      );
    } catch (error) {
      throw mapGitLabError(this.id, error, `reading merge request !${number}`);
    }
  }

  async listFiles(commit: string, folder: string): Promise<string[]> {
    try {
      const entries = await this.#api.Repositories.allRepositoryTrees(
        this.#project,
        {
          ref: commit,
          recursive: true,
          perPage: 100,
          ...(folder ? { path: folder } : {}),
        },
      );
      const files = entries
        .filter(e => e.type === 'blob' && /^100(644|755)$/.test(String(e.mode)))
        .map(e => e.path as string);
      this.#remember(
        commit,
        files.map(path => [path, true]),
      );
      return files;
    } catch (error) {
      if (gitlabFailure(error)?.status === 404) return [];
      throw mapGitLabError(this.id, error, `listing '${folder}' at ${commit}`);
    }
  }

  commitUrl(sha: string): string | undefined {
    return `${this.#webBaseUrl}/${this.#project}/-/commit/${sha}`;
  }

  fileUrl(branch: string, path: string): string | undefined {
    return `${this.#webBaseUrl}/${this.#project}/-/blob/${branch}/${path}`;
  }
}
