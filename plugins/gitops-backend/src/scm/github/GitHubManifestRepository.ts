import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  ConflictError,
  ForwardedError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import { SourceCommit } from '@shipdeck/plugin-gitops-common';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import {
  CommitAuthor,
  FileChange,
  ManifestRepository,
  PullRequestObservation,
  PullRequestRef,
  StaleBranchError,
} from '../ManifestRepository';
import { ConditionalGet, readGitHubPullRequest } from './githubPullRequest';

// The plugins' types name @octokit/core 5 through a peer dependency that
// resolves to another copy here; at runtime they are plain functions.
type OctokitPlugin = Parameters<typeof Octokit.plugin>[0];
const ShipdeckOctokit = Octokit.plugin(
  retry as unknown as OctokitPlugin,
  throttling as unknown as OctokitPlugin,
);
type ShipdeckOctokitInstance = InstanceType<typeof ShipdeckOctokit>;

/** Rate-limited requests are retried this many times before failing. */
const RATE_LIMIT_RETRIES = 2;
/** plugin-retry's defaults plus 409, which a retry cannot fix. */
const DO_NOT_RETRY = [400, 401, 403, 404, 409, 410, 422, 451];
/** Commit → tree SHAs remembered; commits are immutable, so this never goes stale. */
const TREE_CACHE_SIZE = 1000;
/**
 * Files looked up per GraphQL query. Plain object lookups cost one point of
 * GitHub's GraphQL rate limit whatever their number (points count
 * connections), but a query's response size and run time are bounded too,
 * so very large change sets go in queries of this many files.
 */
const FILES_PER_QUERY = 100;

/** One file looked up by `object(expression: "<commit>:<path>")`. */
interface BlobLookup {
  __typename: string;
  isBinary?: boolean | null;
  isTruncated?: boolean;
  text?: string | null;
}

/** GitHub's GraphQL errors, as @octokit/graphql throws them. */
interface GraphqlFailure {
  name: 'GraphqlResponseError';
  errors?: Array<{ type?: string; message: string }>;
}

/** The query reading `count` files of a commit (`$f0`…): one aliased lookup each. */
function readFilesQuery(count: number): string {
  const indexes = Array.from({ length: count }, (_, i) => i);
  const declared = indexes.map(i => `, $f${i}: String!`).join('');
  return [
    `query ShipdeckReadFiles($owner: String!, $name: String!, $commit: String!${declared}) {`,
    '  repository(owner: $owner, name: $name) {',
    '    commit: object(expression: $commit) { ... on Commit { tree { oid } } }',
    ...indexes.map(
      i =>
        `    f${i}: object(expression: $f${i}) { __typename ... on Blob { isBinary isTruncated text } }`,
    ),
    '  }',
    '}',
  ].join('\n');
}

function graphqlFailure(error: unknown): GraphqlFailure | undefined {
  return (error as { name?: string })?.name === 'GraphqlResponseError'
    ? (error as GraphqlFailure)
    : undefined;
}

export interface GitHubManifestRepositoryOptions {
  /** The repository as configured, e.g. `github.com/acme/deploy`. */
  id: string;
  owner: string;
  repo: string;
  /** REST API base URL. Default `https://api.github.com`. */
  baseUrl?: string;
  /** Web origin for commit links. Default `https://<host of id>`. */
  webBaseUrl?: string;
  /** Resolves the token for each request; an empty string sends none. */
  auth: () => Promise<string>;
  logger?: LoggerService;
  /**
   * GitHub's rate-limit handling (plugin-throttling), on by default: it also
   * spaces writes at least one second apart per API host, as GitHub asks.
   * Tests turn it off to run many writes quickly.
   */
  throttle?: { enabled?: boolean };
  /** Retries of failed requests that may succeed later (5xx, network). Default 3. */
  retries?: number;
}

interface HttpFailure {
  status: number;
  message: string;
  /** False when no HTTP response arrived (connection refused, DNS, TLS). */
  responded: boolean;
  rateLimited: boolean;
}

/** The HTTP status and GitHub message of an Octokit failure, if it is one. */
function httpFailure(error: unknown): HttpFailure | undefined {
  if (typeof error !== 'object' || error === null) {
    return undefined;
  }
  const e = error as {
    status?: unknown;
    message?: string;
    response?: {
      headers?: Record<string, string | undefined>;
      data?: unknown;
    };
  };
  if (typeof e.status !== 'number') {
    return undefined;
  }
  const data = e.response?.data as
    | { message?: string; errors?: Array<{ message?: string }> }
    | undefined;
  const details = (data?.errors ?? [])
    .map(item => item?.message)
    .filter(Boolean);
  const base = data?.message ?? e.message ?? `HTTP ${e.status}`;
  const headers = e.response?.headers ?? {};
  return {
    status: e.status,
    message: details.length ? `${base}: ${details.join('; ')}` : base,
    responded: e.response !== undefined,
    rateLimited:
      e.status === 429 ||
      (e.status === 403 &&
        (headers['x-ratelimit-remaining'] === '0' ||
          /rate limit/i.test(String(data?.message)))),
  };
}

/**
 * A manifest repository on GitHub (or GitHub Enterprise), written through
 * the Git Data API without a clone: every commit is a tree plus a commit
 * object, then a non-forced ref update, which GitHub refuses unless it
 * fast-forwards — the compare-and-swap the interface promises.
 *
 * Requests per operation (a benchmark): `getHead` 1, `readFile` 1 (2 for
 * files over 1 MB), `readFiles` 1 GraphQL query per 100 files (plus one
 * `readFile` per file over GraphQL's 512,000-byte text limit),
 * `listFiles` 1 per folder level plus 1 (and 1 more for a commit it has
 * not seen), `createCommit` 3 (2 when the parent is a commit this instance already saw,
 * written or read with `readFiles`), `commitFiles` 4 (3),
 * `openOrUpdatePullRequest` 3 (2 when the open pull request's title and body
 * are unchanged; 4 when the head branch exists without an open pull
 * request).
 */
export class GitHubManifestRepository implements ManifestRepository {
  readonly id: string;
  readonly #owner: string;
  readonly #repo: string;
  readonly #webBaseUrl: string;
  readonly #octokit: ShipdeckOctokitInstance;
  readonly #trees = new Map<string, string>();
  readonly #logger?: LoggerService;

  /**
   * A repository from its id (`<host>/<owner>/<repo>`), with the API base
   * URL and credentials of the matching `integrations.github` entry
   * (a token or a GitHub App, through Backstage's credentials provider).
   */
  static fromConfig(
    id: string,
    config: Config,
    logger?: LoggerService,
  ): GitHubManifestRepository {
    const match = /^([^/\s]+)\/([^/\s]+)\/([^/\s]+)$/.exec(id);
    if (!match) {
      throw new InputError(
        `GitHub manifest repository '${id}' must look like <host>/<owner>/<repo>, e.g. github.com/acme/deploy`,
      );
    }
    const [, host, owner, repo] = match;
    const integrations = ScmIntegrations.fromConfig(config);
    const integration = integrations.github.byHost(host);
    if (!integration) {
      throw new InputError(
        `Manifest repository ${id} is on ${host}, which has no integrations.github entry`,
      );
    }
    const credentials =
      DefaultGithubCredentialsProvider.fromIntegrations(integrations);
    const repoUrl = `https://${host}/${owner}/${repo}`;
    return new GitHubManifestRepository({
      id,
      owner,
      repo,
      baseUrl:
        integration.config.apiBaseUrl ??
        (host === 'github.com'
          ? 'https://api.github.com'
          : `https://${host}/api/v3`),
      webBaseUrl: `https://${host}`,
      auth: async () => {
        const { token } = await credentials.getCredentials({ url: repoUrl });
        return token ?? '';
      },
      logger,
      throttle: {
        enabled: config.getOptionalBoolean('gitops.github.throttle') ?? true,
      },
    });
  }

  constructor(options: GitHubManifestRepositoryOptions) {
    this.id = options.id;
    this.#owner = options.owner;
    this.#repo = options.repo;
    const host = options.id.split('/')[0] || 'github.com';
    this.#webBaseUrl = (options.webBaseUrl ?? `https://${host}`).replace(
      /\/+$/,
      '',
    );
    const baseUrl = (options.baseUrl ?? 'https://api.github.com').replace(
      /\/+$/,
      '',
    );
    const logger = options.logger;
    this.#logger = logger;
    const onLimit =
      (kind: string) =>
      (
        retryAfter: number,
        request: { method: string; url: string },
        _octokit: unknown,
        retryCount: number,
      ) => {
        if (retryCount < RATE_LIMIT_RETRIES) {
          logger?.warn(
            `GitHub ${kind} rate limit for ${this.id} on ${request.method} ${
              request.url
            }; retrying in ${retryAfter}s (retry ${
              retryCount + 1
            } of ${RATE_LIMIT_RETRIES})`,
          );
          return true;
        }
        logger?.error(
          `GitHub ${kind} rate limit for ${this.id} on ${request.method} ${request.url}; giving up after ${RATE_LIMIT_RETRIES} retries`,
        );
        return false;
      };
    this.#octokit = new ShipdeckOctokit({
      baseUrl,
      userAgent: 'shipdeck-gitops',
      log: {
        debug: () => {},
        info: () => {},
        warn: (message: string) => logger?.warn(message),
        error: (message: string) => logger?.error(message),
      },
      retry: {
        doNotRetry: DO_NOT_RETRY,
        ...(options.retries !== undefined ? { retries: options.retries } : {}),
      },
      throttle:
        options.throttle?.enabled === false
          ? { enabled: false }
          : {
              // Writes are spaced per API host, whichever repository they hit.
              id: baseUrl,
              onRateLimit: onLimit('primary'),
              onSecondaryRateLimit: onLimit('secondary'),
            },
    });
    // The token is looked up per request, so rotated GitHub App tokens apply.
    this.#octokit.hook.before('request', async request => {
      const token = await options.auth();
      if (token) {
        request.headers.authorization = `token ${token}`;
      }
    });
  }

  async getHead(branch: string): Promise<string> {
    try {
      const { data } = await this.#octokit.rest.git.getRef({
        owner: this.#owner,
        repo: this.#repo,
        ref: `heads/${branch}`,
      });
      return data.object.sha;
    } catch (error) {
      if (httpFailure(error)?.status === 404) {
        throw new NotFoundError(
          `Repository ${this.id} has no branch ${branch} (or the credentials cannot see the repository)`,
        );
      }
      throw this.#mapError(error, `reading branch ${branch}`);
    }
  }

  async resolveTag(tag: string): Promise<string> {
    const params = { owner: this.#owner, repo: this.#repo };
    try {
      const { data } = await this.#octokit.rest.git.getRef({
        ...params,
        ref: `tags/${tag}`,
      });
      if (data.object.type !== 'tag') return data.object.sha;
      // An annotated tag points at a tag object, which points at the commit.
      const { data: annotated } = await this.#octokit.rest.git.getTag({
        ...params,
        tag_sha: data.object.sha,
      });
      return annotated.object.sha;
    } catch (error) {
      if (httpFailure(error)?.status === 404) {
        throw new NotFoundError(`Repository ${this.id} has no tag ${tag}`);
      }
      throw this.#mapError(error, `reading tag ${tag}`);
    }
  }

  async readFile(commit: string, path: string): Promise<string | undefined> {
    const params = {
      owner: this.#owner,
      repo: this.#repo,
      path: path.replace(/^\/+/, ''),
      ref: commit,
    };
    let data;
    try {
      ({ data } = await this.#octokit.rest.repos.getContent(params));
    } catch (error) {
      if (httpFailure(error)?.status === 404) {
        return undefined;
      }
      throw this.#mapError(error, `reading ${path} at ${commit}`);
    }
    if (Array.isArray(data) || data.type !== 'file') {
      return undefined;
    }
    if ('content' in data && data.encoding === 'base64') {
      return Buffer.from(data.content, 'base64').toString('utf8');
    }
    // Over 1 MB the JSON carries no content (`encoding: none`); the raw
    // media type serves files up to 100 MB.
    try {
      const raw = await this.#octokit.rest.repos.getContent({
        ...params,
        mediaType: { format: 'raw' },
      });
      const body: unknown = raw.data;
      return typeof body === 'string'
        ? body
        : Buffer.from(body as ArrayBuffer).toString('utf8');
    } catch (error) {
      if (httpFailure(error)?.status === 404) {
        return undefined;
      }
      throw this.#mapError(error, `reading ${path} at ${commit}`);
    }
  }

  /**
   * Reads files through GraphQL, where one query looks up any number of
   * `<commit>:<path>` expressions (the REST API needs a request per file,
   * or a tree plus a request per blob). The same query asks for the
   * commit's tree, so a commit on top of it needs no extra lookup.
   */
  async readFiles(
    commit: string,
    paths: string[],
  ): Promise<Map<string, string | undefined>> {
    const unique = [...new Set(paths.map(p => p.replace(/^\/+/, '')))];
    const found = new Map<string, BlobLookup | null>();
    for (let i = 0; i < unique.length; i += FILES_PER_QUERY) {
      const chunk = unique.slice(i, i + FILES_PER_QUERY);
      const lookups = await this.#lookUpFiles(commit, chunk);
      chunk.forEach((path, j) => found.set(path, lookups[j]));
    }
    const contents = new Map<string, string | undefined>();
    const whole: string[] = [];
    for (const [path, blob] of found) {
      if (blob?.__typename !== 'Blob') {
        contents.set(path, undefined); // missing, or a directory
      } else if (
        blob.isTruncated ||
        blob.isBinary ||
        typeof blob.text !== 'string'
      ) {
        whole.push(path);
      } else {
        contents.set(path, blob.text);
      }
    }
    // GraphQL cuts text at 512,000 bytes: those few files come whole from REST.
    await Promise.all(
      whole.map(async path =>
        contents.set(path, await this.readFile(commit, path)),
      ),
    );
    return new Map(
      paths.map(path => [path, contents.get(path.replace(/^\/+/, ''))]),
    );
  }

  async #lookUpFiles(
    commit: string,
    paths: string[],
  ): Promise<Array<BlobLookup | null>> {
    // Paths go in as variables, never into the query text.
    const variables = Object.fromEntries(
      paths.map((path, i) => [`f${i}`, `${commit}:${path}`]),
    );
    const action = `reading ${paths.length} file(s) at ${commit}`;
    let data: {
      repository: Record<string, BlobLookup | null> & {
        commit: { tree?: { oid: string } } | null;
      };
    };
    try {
      data = await this.#octokit.graphql(readFilesQuery(paths.length), {
        owner: this.#owner,
        name: this.#repo,
        commit,
        ...variables,
      });
    } catch (error) {
      const failure = graphqlFailure(error);
      if (failure?.errors?.some(e => e.type === 'NOT_FOUND')) {
        throw new NotFoundError(
          `GitHub ${this.id}: ${action} failed; not found, or the credentials cannot see ${this.id}`,
        );
      }
      if (failure?.errors?.some(e => e.type === 'RATE_LIMITED')) {
        throw new ServiceUnavailableError(
          `GitHub ${this.id}: ${action} failed; the GraphQL rate limit is exhausted`,
        );
      }
      if (failure) {
        throw new ForwardedError(
          `GitHub ${this.id}: ${action} failed: ${(failure.errors ?? [])
            .map(e => e.message)
            .join('; ')}`,
          error,
        );
      }
      throw this.#mapError(error, action);
    }
    const tree = data.repository.commit?.tree?.oid;
    if (tree) {
      this.#rememberTree(commit, tree);
    }
    return paths.map((_, i) => data.repository[`f${i}`] ?? null);
  }

  async createCommit(options: {
    parent: string;
    message: string;
    files: FileChange[];
    author: CommitAuthor;
  }): Promise<{ sha: string }> {
    const { parent, message, files, author } = options;
    const action = `writing a commit on ${parent}`;
    try {
      const baseTree = await this.#treeOf(parent);
      const { data: tree } = await this.#octokit.rest.git.createTree({
        owner: this.#owner,
        repo: this.#repo,
        base_tree: baseTree,
        tree: files.map(file => ({
          path: file.path.replace(/^\/+/, ''),
          mode: '100644' as const,
          type: 'blob' as const,
          content: file.content,
        })),
      });
      const { data: commit } = await this.#octokit.rest.git.createCommit({
        owner: this.#owner,
        repo: this.#repo,
        message,
        tree: tree.sha,
        parents: [parent],
        author: { name: author.name, email: author.email },
      });
      this.#rememberTree(commit.sha, commit.tree.sha);
      return { sha: commit.sha };
    } catch (error) {
      throw this.#mapError(error, action);
    }
  }

  async commitFiles(options: {
    branch: string;
    parent: string;
    message: string;
    files: FileChange[];
    author: CommitAuthor;
  }): Promise<{ sha: string }> {
    const { branch, parent } = options;
    const { sha } = await this.createCommit(options);
    try {
      await this.#octokit.rest.git.updateRef({
        owner: this.#owner,
        repo: this.#repo,
        ref: `heads/${branch}`,
        sha,
        force: false,
      });
      return { sha };
    } catch (error) {
      const failure = httpFailure(error);
      if (failure?.status === 422 && /fast.?forward/i.test(failure.message)) {
        throw new StaleBranchError(branch, parent);
      }
      if (failure?.status !== 422 || !/does not exist/i.test(failure.message)) {
        throw this.#mapError(error, `moving ${branch} to ${sha}`);
      }
    }
    // The branch does not exist yet: create it, unless someone just did.
    try {
      await this.#createBranch(branch, sha);
      return { sha };
    } catch (error) {
      const failure = httpFailure(error);
      if (failure?.status === 422 && /already exists/i.test(failure.message)) {
        throw new StaleBranchError(branch, parent);
      }
      throw this.#mapError(error, `creating ${branch} at ${sha}`);
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
    const action = `opening a pull request from ${head} into ${base}`;
    try {
      let open = await this.#findOpenPull(head, base);
      // An open pull request means its branch exists: move it. Otherwise the
      // branch is most likely gone (merged and deleted), so create it first.
      let createdBranch = false;
      if (open) {
        await this.#forceBranch(head, sha);
      } else {
        createdBranch = await this.#createOrForceBranch(head, sha);
      }
      if (!open) {
        try {
          const { data } = await this.#octokit.rest.pulls.create({
            owner: this.#owner,
            repo: this.#repo,
            head: `${this.#owner}:${head}`,
            base,
            title,
            body,
          });
          return {
            number: data.number,
            url: data.html_url,
            state: 'open',
            created: true,
          };
        } catch (error) {
          const failure = httpFailure(error);
          if (
            failure?.status !== 422 ||
            !/already exists/i.test(failure.message)
          ) {
            // No pull request: a branch this call created would be left
            // behind with the change on it, half-written.
            if (createdBranch) await this.#deleteBranchQuietly(head);
            throw error;
          }
          // Opened concurrently since we looked: update that one instead.
          open = await this.#findOpenPull(head, base);
          if (!open) {
            throw error;
          }
        }
      }
      if (open.title !== title || (open.body ?? '') !== body) {
        await this.#octokit.rest.pulls.update({
          owner: this.#owner,
          repo: this.#repo,
          pull_number: open.number,
          title,
          body,
        });
      }
      return {
        number: open.number,
        url: open.html_url,
        state: 'open',
        created: false,
      };
    } catch (error) {
      throw this.#mapError(error, action);
    }
  }

  async readPullRequest(
    number: number,
    previous?: PullRequestObservation,
  ): Promise<PullRequestObservation> {
    const cache = { ...previous?.cache };
    const get: ConditionalGet = async (key, route, params, project) => {
      const known = cache[key];
      try {
        const response = await this.#octokit.request(route, {
          owner: this.#owner,
          repo: this.#repo,
          ...params,
          headers: known ? { 'if-none-match': known.etag } : {},
        });
        const value = project(response.data);
        const etag = response.headers.etag;
        if (etag) cache[key] = { etag, value };
        return value;
      } catch (error) {
        if (known && httpFailure(error)?.status === 304) {
          return known.value as ReturnType<typeof project>;
        }
        throw this.#mapError(error, `reading pull request #${number}`);
      }
    };
    return { ...(await readGitHubPullRequest(get, number, previous)), cache };
  }

  /**
   * One `GET /compare/{base}...{head}`: GitHub lists up to 250 commits,
   * oldest first, and counts them all (`total_commits`).
   */
  async compareCommits(
    base: string,
    head: string,
    limit: number,
  ): Promise<{ commits: SourceCommit[]; total: number; url?: string }> {
    try {
      const { data } =
        await this.#octokit.rest.repos.compareCommitsWithBasehead({
          owner: this.#owner,
          repo: this.#repo,
          basehead: `${base}...${head}`,
          per_page: Math.min(limit, 100),
        });
      return {
        commits: data.commits
          .slice()
          .reverse()
          .slice(0, limit)
          .map(c => ({
            sha: c.sha,
            title: c.commit.message.split('\n')[0],
            author: c.commit.author?.name ?? c.author?.login ?? 'unknown',
            ...(c.author && 'login' in c.author
              ? { login: c.author.login }
              : {}),
            ...(c.commit.author?.date ? { date: c.commit.author.date } : {}),
            url: c.html_url,
          })),
        total: data.total_commits,
        url: data.html_url,
      };
    } catch (error) {
      if (httpFailure(error)?.status === 404) {
        throw new NotFoundError(
          `Repository ${this.id} cannot compare ${base}...${head}: one of them does not exist`,
        );
      }
      throw this.#mapError(error, `comparing ${base}...${head}`);
    }
  }

  commitUrl(sha: string): string | undefined {
    return `${this.#webBaseUrl}/${this.#owner}/${this.#repo}/commit/${sha}`;
  }

  fileUrl(branch: string, path: string): string | undefined {
    return `${this.#webBaseUrl}/${this.#owner}/${
      this.#repo
    }/blob/${branch}/${path}`;
  }

  async listFiles(commit: string, folder: string): Promise<string[]> {
    const params = { owner: this.#owner, repo: this.#repo };
    try {
      // Down to the folder one level at a time, so a large repository is
      // never listed whole (GitHub truncates recursive listings).
      let tree = await this.#treeOf(commit);
      for (const segment of folder ? folder.split('/') : []) {
        const { data } = await this.#octokit.rest.git.getTree({
          ...params,
          tree_sha: tree,
        });
        const entry = data.tree.find(
          e => e.path === segment && e.type === 'tree',
        );
        if (!entry?.sha) {
          return [];
        }
        tree = entry.sha;
      }
      const { data } = await this.#octokit.rest.git.getTree({
        ...params,
        tree_sha: tree,
        recursive: 'true',
      });
      if (data.truncated) {
        throw new InputError(
          `GitHub ${this.id}: '${folder}' holds too many files to list at ${commit}; name the manifest files instead`,
        );
      }
      return data.tree
        .filter(e => e.type === 'blob' && /^100(644|755)$/.test(e.mode ?? ''))
        .map(e => (folder ? `${folder}/${e.path}` : e.path!));
    } catch (error) {
      throw this.#mapError(error, `listing '${folder}' at ${commit}`);
    }
  }

  async #treeOf(commit: string): Promise<string> {
    const known = this.#trees.get(commit);
    if (known) {
      return known;
    }
    const { data } = await this.#octokit.rest.git.getCommit({
      owner: this.#owner,
      repo: this.#repo,
      commit_sha: commit,
    });
    this.#rememberTree(commit, data.tree.sha);
    return data.tree.sha;
  }

  #rememberTree(commit: string, tree: string) {
    this.#trees.set(commit, tree);
    if (this.#trees.size > TREE_CACHE_SIZE) {
      this.#trees.delete(this.#trees.keys().next().value!);
    }
  }

  async #findOpenPull(head: string, base: string) {
    const { data } = await this.#octokit.rest.pulls.list({
      owner: this.#owner,
      repo: this.#repo,
      state: 'open',
      head: `${this.#owner}:${head}`,
      base,
      per_page: 10,
    });
    return data[0];
  }

  async #createBranch(branch: string, sha: string) {
    await this.#octokit.rest.git.createRef({
      owner: this.#owner,
      repo: this.#repo,
      ref: `refs/heads/${branch}`,
      sha,
    });
  }

  async #forceBranch(branch: string, sha: string) {
    await this.#octokit.rest.git.updateRef({
      owner: this.#owner,
      repo: this.#repo,
      ref: `heads/${branch}`,
      sha,
      force: true,
    });
  }

  /** True when the branch was created, false when an existing one was moved. */
  async #createOrForceBranch(branch: string, sha: string): Promise<boolean> {
    try {
      await this.#createBranch(branch, sha);
      return true;
    } catch (error) {
      const failure = httpFailure(error);
      if (failure?.status !== 422 || !/already exists/i.test(failure.message)) {
        throw error;
      }
      await this.#forceBranch(branch, sha);
      return false;
    }
  }

  /**
   * Deletes a branch, best effort: it runs after another failure, which is
   * the error to report; one GitHub cannot delete now (an outage) is taken
   * over by the next deployment, which moves the branch and opens the pull
   * request.
   */
  async #deleteBranchQuietly(branch: string) {
    try {
      await this.#octokit.rest.git.deleteRef({
        owner: this.#owner,
        repo: this.#repo,
        ref: `heads/${branch}`,
      });
    } catch (error) {
      this.#logger?.warn(
        `GitHub ${this.id}: could not delete branch ${branch} after its pull request failed: ${error}`,
      );
    }
  }

  /** A Backstage error that names the repository and what was being done. */
  #mapError(error: unknown, action: string): Error {
    if (
      error instanceof StaleBranchError ||
      (error instanceof Error &&
        [
          'NotFoundError',
          'NotAllowedError',
          'ConflictError',
          'InputError',
          'ServiceUnavailableError',
        ].includes(error.name) &&
        !httpFailure(error))
    ) {
      return error;
    }
    const failure = httpFailure(error);
    if (!failure) {
      return error instanceof Error
        ? new ForwardedError(`GitHub ${this.id}: ${action} failed`, error)
        : new Error(`GitHub ${this.id}: ${action} failed: ${String(error)}`);
    }
    const context = `GitHub ${this.id}: ${action} failed`;
    if (!failure.responded) {
      return new ServiceUnavailableError(
        `${context}; GitHub could not be reached: ${failure.message}`,
        error,
      );
    }
    if (failure.rateLimited) {
      return new ServiceUnavailableError(
        `${context}; the rate limit is exhausted: ${failure.message}`,
        error,
      );
    }
    switch (failure.status) {
      case 401:
        return new NotAllowedError(
          `${context}; GitHub rejected the credentials (${failure.message}). Check integrations.github for this host.`,
          error,
        );
      case 403:
        return new NotAllowedError(
          `${context}; the credentials may not do this in ${this.id} (${failure.message})`,
          error,
        );
      case 404:
        return new NotFoundError(
          `${context}; not found, or the credentials cannot see ${this.id} (${failure.message})`,
          error,
        );
      case 409:
        return new ConflictError(`${context}: ${failure.message}`, error);
      case 422:
        return new InputError(
          `${context}; GitHub refused it: ${failure.message}`,
          error,
        );
      default:
        if (failure.status >= 500) {
          return new ServiceUnavailableError(
            `${context}; GitHub answered ${failure.status}: ${failure.message}`,
            error,
          );
        }
        return new ForwardedError(
          `${context} (HTTP ${failure.status})`,
          error instanceof Error ? error : new Error(failure.message),
        );
    }
  }
}
