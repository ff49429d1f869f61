import { createHash, randomUUID } from 'node:crypto';
import { AddressInfo } from 'node:net';
import express from 'express';
import { ApiError, basicError, notFound, validationFailed } from './errors';
import { git, GitError, isoSeconds } from './git';
import { executeGraphql } from './graphql/execute';
import {
  contentEntry,
  docs,
  gitCommit,
  gitRef,
  gitTree,
  nodeId,
  Origins,
  pullRequest,
  PullRecord,
  repository,
  simpleUser,
  StandInUser,
  wrappedBase64,
} from './shapes';
import { StandInRepository } from './StandInRepository';
import { addReviewAndCheckRoutes } from './reviewAndCheckRoutes';
import { addCompareRoute } from './compare';
import { StandInWebhook, WebhookDelivery, WebhookSender } from './webhooks';
import { GitHubStandInFaults } from './faults';

/** A repository the stand-in serves: a bare Git repository on disk. */
export interface GitHubStandInRepository {
  owner: string;
  repo: string;
  /** The bare repository's directory (a non-bare repository's `.git` works too). */
  dir: string;
  /** Defaults to the repository's HEAD, else `main`. */
  defaultBranch?: string;
}

export interface GitHubStandInOptions {
  repos: GitHubStandInRepository[];
  /** When set, every request needs `Authorization: token <token>` or `Bearer <token>`. */
  token?: string;
  /** The account requests act as; it owns the repositories and authors pull requests. */
  user?: Partial<StandInUser>;
  /** The web origin in `html_url`s. Default `https://github.com`. */
  htmlBaseUrl?: string;
  /**
   * The primary rate limit: `limit` requests per `windowSeconds`; past it,
   * requests get GitHub's 403 with `x-ratelimit-remaining: 0`. Default
   * 5,000 per hour, like a personal access token.
   */
  rateLimit?: { limit?: number; windowSeconds?: number };
  /** Files larger than this come with empty `content` and `encoding: none`. Default 1 MiB. */
  contentsJsonLimit?: number;
  /** GraphQL `Blob.text` stops after this many bytes (`isTruncated`). Default 512,000, as on GitHub. */
  graphqlTextLimit?: number;
  /**
   * Webhooks every repository delivers to: `pull_request`,
   * `pull_request_review`, `check_run` and `status` events.
   */
  webhooks?: StandInWebhook[];
}

/** One request the stand-in received. */
export interface GitHubStandInCall {
  method: string;
  /** The path as requested, without the query string, e.g. `/repos/acme/deploy/git/trees`. */
  path: string;
  /** The answer's status code, once answered. */
  status?: number;
  /** The `If-None-Match` header of a conditional request. */
  ifNoneMatch?: string;
}

export interface GitHubStandIn {
  app: express.Express;
  /** Listens on 127.0.0.1 (a free port unless given); `url` is the API base URL. */
  start(options?: {
    port?: number;
  }): Promise<{ url: string; close(): Promise<void> }>;
  /** Every request, in arrival order; the same array for the stand-in's lifetime. */
  calls: GitHubStandInCall[];
  resetCalls(): void;
  /** The repositories served, by `owner/repo`; for inspecting pull requests in tests. */
  repositories: Map<string, StandInRepository>;
  /** Every webhook delivery, in order, with the receiver's answer once in. */
  deliveries: WebhookDelivery[];
  /** Resolves once every webhook delivery so far has been answered. */
  webhooksIdle(): Promise<void>;
  /** Adds a webhook, e.g. once the receiver listens. */
  addWebhook(hook: StandInWebhook): void;
  /** Test-only fault injection: latency, 5xx, rate limits, outages. */
  faults: GitHubStandInFaults;
}

type Handler = (
  req: express.Request,
  res: express.Response,
  ctx: { repo: StandInRepository; origins: Origins },
) => Promise<void>;

const RAW_MEDIA_TYPE = /application\/vnd\.github(\.v3)?\.raw/;

function toInteger(value: unknown, fallback: number): number {
  const parsed = typeof value === 'string' ? Number.parseInt(value, 10) : NaN;
  return Number.isFinite(parsed) && parsed > 0 ? parsed : fallback;
}

/**
 * A stand-in for the part of GitHub's REST API Shipdeck calls, over bare Git
 * repositories on disk: refs, commits, trees, contents and pull requests,
 * plus GraphQL lookups of Git objects (many files in one request), with
 * GitHub's response shapes, status codes and error bodies.
 */
export function createGitHubStandIn(
  options: GitHubStandInOptions,
): GitHubStandIn {
  const user: StandInUser = {
    login: 'shipdeck-bot',
    id: 4242,
    name: 'Shipdeck Bot',
    email: 'shipdeck-bot@users.noreply.github.com',
    ...options.user,
  };
  const htmlBase = (options.htmlBaseUrl ?? 'https://github.com').replace(
    /\/+$/,
    '',
  );
  const rateLimit = {
    limit: options.rateLimit?.limit ?? 5000,
    windowMs: (options.rateLimit?.windowSeconds ?? 3600) * 1000,
  };
  const contentsJsonLimit = options.contentsJsonLimit ?? 1024 * 1024;
  const graphqlTextLimit = options.graphqlTextLimit ?? 512_000;
  const createdAt = isoSeconds(new Date());

  const repositories = new Map<string, StandInRepository>();
  const pendingDefaults: Array<Promise<void>> = [];
  options.repos.forEach((r, index) => {
    const info = {
      owner: r.owner,
      repo: r.repo,
      id: 1000 + index,
      defaultBranch: r.defaultBranch ?? 'main',
      createdAt,
    };
    repositories.set(
      `${r.owner}/${r.repo}`.toLowerCase(),
      new StandInRepository(r.dir, info, user),
    );
    if (!r.defaultBranch) {
      pendingDefaults.push(
        git(r.dir, ['symbolic-ref', '--short', 'HEAD']).then(
          head => {
            info.defaultBranch = head.trim() || 'main';
          },
          () => undefined,
        ),
      );
    }
  });
  const ready = Promise.all(pendingDefaults);

  const calls: GitHubStandInCall[] = [];
  const window = { resetAt: 0, used: 0 };
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  // Every request is counted and carries GitHub's rate-limit headers.
  app.use((req, res, next) => {
    const call: GitHubStandInCall = {
      method: req.method,
      path: req.path,
      ...(req.header('if-none-match')
        ? { ifNoneMatch: req.header('if-none-match') }
        : {}),
    };
    calls.push(call);
    res.on('finish', () => {
      call.status = res.statusCode;
    });
    const now = Date.now();
    if (now >= window.resetAt) {
      window.resetAt = now + rateLimit.windowMs;
      window.used = 0;
    }
    const exhausted = window.used >= rateLimit.limit;
    if (!exhausted) {
      window.used += 1;
    }
    res.set({
      'x-github-api-version-selected': '2022-11-28',
      'x-github-media-type': 'github.v3; format=json',
      'x-github-request-id': randomUUID().toUpperCase(),
      'x-ratelimit-limit': String(rateLimit.limit),
      'x-ratelimit-remaining': String(rateLimit.limit - window.used),
      'x-ratelimit-reset': String(Math.ceil(window.resetAt / 1000)),
      'x-ratelimit-used': String(window.used),
      'x-ratelimit-resource': 'core',
    });
    if (exhausted) {
      res.status(403).json({
        message: `API rate limit exceeded for user ID ${
          user.id
        }. If you reach out to GitHub Support for help, please include the request ID ${res.get(
          'x-github-request-id',
        )}.`,
        documentation_url:
          'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
        status: '403',
      });
      return;
    }
    next();
  });

  // Injected faults come after the request is counted, as GitHub counts a
  // request it refuses.
  const faults = new GitHubStandInFaults();
  app.use(faults.middleware());

  if (options.token) {
    const expected = options.token;
    app.use((req, res, next) => {
      const match = /^(token|bearer)\s+(\S+)\s*$/i.exec(
        req.header('authorization') ?? '',
      );
      if (!match || match[2] !== expected) {
        res.status(401).json({
          message: 'Bad credentials',
          documentation_url: docs.root,
          status: '401',
        });
        return;
      }
      next();
    });
  }

  app.use(express.json({ limit: '100mb', type: () => true }));

  const route =
    (handler: Handler): express.RequestHandler =>
    (req, res, next) => {
      ready
        .then(async () => {
          const repo = repositories.get(
            `${req.params.owner}/${req.params.repo}`.toLowerCase(),
          );
          if (!repo) {
            throw notFound(docs.getRepo);
          }
          const origins = {
            api: `${req.protocol}://${req.get('host')}`,
            html: htmlBase,
          };
          await handler(req, res, { repo, origins });
        })
        .catch(next);
    };

  const R = '/repos/:owner/:repo';

  const webhooks = new WebhookSender(options.webhooks ?? []);
  /** A repository's webhook event, with the repository and sender GitHub adds. */
  const deliver = (
    name: string,
    repo: StandInRepository,
    origins: Origins,
    payload: Record<string, unknown>,
  ) =>
    webhooks.send(name, {
      ...payload,
      repository: repository(repo.info, user, origins),
      sender: simpleUser(user, origins),
    });

  /**
   * Answers a GET with an ETag of its body, or with 304 and no body when
   * `If-None-Match` names it; like GitHub, a 304 does not count against the
   * rate limit.
   */
  const conditional = (
    req: express.Request,
    res: express.Response,
    body: unknown,
  ) => {
    const etag = `W/"${createHash('sha256')
      .update(JSON.stringify(body))
      .digest('hex')}"`;
    res.set('etag', etag);
    const wanted = (req.header('if-none-match') ?? '')
      .split(',')
      .map(tag => tag.trim());
    if (wanted.includes(etag)) {
      window.used = Math.max(0, window.used - 1);
      res.set({
        'x-ratelimit-remaining': String(rateLimit.limit - window.used),
        'x-ratelimit-used': String(window.used),
      });
      res.status(304).end();
      return;
    }
    res.json(body);
  };

  app.get(
    R,
    route(async (_req, res, { repo, origins }) => {
      res.json(repository(repo.info, user, origins));
    }),
  );

  // --- git data -----------------------------------------------------------

  app.get(
    `${R}/git/ref/*`,
    route(async (req, res, { repo, origins }) => {
      const fullRef = `refs/${req.params[0]}`;
      const sha = await repo.getRef(fullRef);
      if (!sha) {
        throw notFound(docs.getRef);
      }
      res.json(gitRef(fullRef, sha, repo.info, origins));
    }),
  );

  app.post(
    `${R}/git/refs`,
    route(async (req, res, { repo, origins }) => {
      const sha = await repo.createRef(req.body?.ref, req.body?.sha);
      const body = gitRef(req.body.ref, sha, repo.info, origins);
      res.status(201).location(body.url).json(body);
    }),
  );

  app.patch(
    `${R}/git/refs/*`,
    route(async (req, res, { repo, origins }) => {
      const fullRef = `refs/${req.params[0]}`;
      const force = req.body?.force === true;
      const sha = await repo.updateRef(fullRef, req.body?.sha, force);
      res.json(gitRef(fullRef, sha, repo.info, origins));
    }),
  );

  app.delete(
    `${R}/git/refs/*`,
    route(async (req, res, { repo }) => {
      await repo.deleteRef(`refs/${req.params[0]}`);
      res.status(204).end();
    }),
  );

  app.get(
    `${R}/git/commits/:sha`,
    route(async (req, res, { repo, origins }) => {
      const commit = await repo.getCommit(req.params.sha);
      res.json(gitCommit(commit, repo.info, origins));
    }),
  );

  app.post(
    `${R}/git/commits`,
    route(async (req, res, { repo, origins }) => {
      const commit = await repo.createCommit(req.body);
      const body = gitCommit(commit, repo.info, origins);
      res.status(201).location(body.url).json(body);
    }),
  );

  app.post(
    `${R}/git/trees`,
    route(async (req, res, { repo, origins }) => {
      const { sha, entries } = await repo.createTree(req.body);
      const body = gitTree(sha, entries, repo.info, origins);
      res.status(201).location(body.url).json(body);
    }),
  );

  // Like GitHub, any value of `recursive` (even `false` or `0`) recurses.
  app.get(
    `${R}/git/trees/:sha`,
    route(async (req, res, { repo, origins }) => {
      const { sha, entries } = await repo.getTree(
        req.params.sha,
        req.query.recursive !== undefined,
      );
      res.json(gitTree(sha, entries, repo.info, origins));
    }),
  );

  app.get(
    `${R}/git/blobs/:sha`,
    route(async (req, res, { repo, origins }) => {
      const bytes = await repo.getBlob(req.params.sha);
      if (RAW_MEDIA_TYPE.test(req.header('accept') ?? '')) {
        res.type('application/vnd.github.raw').send(bytes);
        return;
      }
      res.json({
        sha: req.params.sha,
        node_id: nodeId('B', req.params.sha),
        size: bytes.length,
        url: `${origins.api}/repos/${repo.info.owner}/${repo.info.repo}/git/blobs/${req.params.sha}`,
        content: wrappedBase64(bytes),
        encoding: 'base64',
      });
    }),
  );

  // --- contents -----------------------------------------------------------

  const getContent = route(async (req, res, { repo, origins }) => {
    const ref =
      typeof req.query.ref === 'string' && req.query.ref
        ? req.query.ref
        : repo.info.defaultBranch;
    const commit = await repo.resolveCommitish(ref);
    const found = await repo.lookupContent(commit, req.params[0] ?? '');
    if (found.kind === 'dir') {
      res.json(
        found.entries.map(entry =>
          contentEntry(entry, ref, repo.info, origins),
        ),
      );
      return;
    }
    if (RAW_MEDIA_TYPE.test(req.header('accept') ?? '')) {
      res.type('text/plain; charset=utf-8').send(found.bytes);
      return;
    }
    const head = contentEntry(found.entry, ref, repo.info, origins);
    if (head.type === 'symlink') {
      res.json({ ...head, target: found.bytes.toString('utf8') });
      return;
    }
    if (head.type === 'submodule') {
      res.json({ ...head, submodule_git_url: '' });
      return;
    }
    const tooLarge = found.bytes.length > contentsJsonLimit;
    res.json({
      ...head,
      content: tooLarge ? '' : wrappedBase64(found.bytes),
      encoding: tooLarge ? 'none' : 'base64',
    });
  });
  app.get(`${R}/contents`, getContent);
  app.get(`${R}/contents/*`, getContent);

  // --- graphql ------------------------------------------------------------

  // Git objects by revision expression, any number per request (aliases).
  app.post('/graphql', (req, res, next) => {
    ready
      .then(async () => {
        res.json(
          await executeGraphql(req.body, {
            repository: (owner, name) =>
              repositories.get(`${owner}/${name}`.toLowerCase()),
            textLimit: graphqlTextLimit,
          }),
        );
      })
      .catch(next);
  });

  // --- pull requests ------------------------------------------------------

  const renderPull = async (
    repo: StandInRepository,
    pull: PullRecord,
    origins: Origins,
    detail: boolean,
  ) =>
    pullRequest(
      pull,
      await repo.pullLive(pull, detail),
      repo.info,
      user,
      origins,
      detail,
    );

  /** `owner:branch` or `branch` of this repository's owner; undefined for another owner. */
  const headBranch = (repo: StandInRepository, head: string) => {
    const colon = head.indexOf(':');
    if (colon === -1) {
      return head;
    }
    return head.slice(0, colon).toLowerCase() === repo.info.owner.toLowerCase()
      ? head.slice(colon + 1)
      : undefined;
  };

  app.get(
    `${R}/pulls`,
    route(async (req, res, { repo, origins }) => {
      const state =
        typeof req.query.state === 'string' ? req.query.state : 'open';
      if (!['open', 'closed', 'all'].includes(state)) {
        throw validationFailed(
          [{ resource: 'Search', field: 'state', code: 'invalid' }],
          docs.listPulls,
        );
      }
      let pulls = repo.pulls.filter(p => state === 'all' || p.state === state);
      const head =
        typeof req.query.head === 'string' ? req.query.head : undefined;
      // Like GitHub, the head filter only applies in its `owner:branch` form;
      // a bare branch name is ignored and every pull request is listed.
      if (head && head.includes(':')) {
        const branch = headBranch(repo, head);
        pulls = pulls.filter(p => p.head === branch);
      }
      if (typeof req.query.base === 'string' && req.query.base) {
        pulls = pulls.filter(p => p.base === req.query.base);
      }
      const sort =
        typeof req.query.sort === 'string' ? req.query.sort : 'created';
      const key = (p: PullRecord) =>
        sort === 'updated' ? p.updatedAt : p.createdAt;
      let direction = sort === 'created' ? 'desc' : 'asc';
      if (req.query.direction === 'asc' || req.query.direction === 'desc') {
        direction = req.query.direction;
      }
      pulls = [...pulls].sort((a, b) => {
        const order = key(a).localeCompare(key(b)) || a.number - b.number;
        return direction === 'asc' ? order : -order;
      });
      const perPage = Math.min(toInteger(req.query.per_page, 30), 100);
      const page = toInteger(req.query.page, 1);
      const lastPage = Math.max(1, Math.ceil(pulls.length / perPage));
      const links: string[] = [];
      const pageUrl = (n: number) => {
        const url = new URL(`${origins.api}${req.originalUrl}`);
        url.searchParams.set('page', String(n));
        return url.toString();
      };
      if (page < lastPage) {
        links.push(
          `<${pageUrl(page + 1)}>; rel="next"`,
          `<${pageUrl(lastPage)}>; rel="last"`,
        );
      }
      if (page > 1) {
        links.push(
          `<${pageUrl(1)}>; rel="first"`,
          `<${pageUrl(page - 1)}>; rel="prev"`,
        );
      }
      if (links.length) {
        res.set('link', links.join(', '));
      }
      const slice = pulls.slice((page - 1) * perPage, page * perPage);
      res.json(
        await Promise.all(slice.map(p => renderPull(repo, p, origins, false))),
      );
    }),
  );

  app.post(
    `${R}/pulls`,
    route(async (req, res, { repo, origins }) => {
      const body = req.body ?? {};
      const pull = await repo.withPulls(async () => {
        for (const field of ['title', 'head', 'base']) {
          if (typeof body[field] !== 'string' || !body[field]) {
            throw validationFailed(
              [{ resource: 'PullRequest', field, code: 'missing_field' }],
              docs.createPull,
            );
          }
        }
        const head = headBranch(repo, body.head);
        const headSha = head && (await repo.getRef(`refs/heads/${head}`));
        if (!head || !headSha) {
          throw validationFailed(
            [{ resource: 'PullRequest', field: 'head', code: 'invalid' }],
            docs.createPull,
          );
        }
        const baseSha = await repo.getRef(`refs/heads/${body.base}`);
        if (!baseSha) {
          throw validationFailed(
            [{ resource: 'PullRequest', field: 'base', code: 'invalid' }],
            docs.createPull,
          );
        }
        if (
          repo.pulls.some(
            p => p.state === 'open' && p.head === head && p.base === body.base,
          )
        ) {
          throw validationFailed(
            [
              {
                resource: 'PullRequest',
                code: 'custom',
                message: `A pull request already exists for ${repo.info.owner}:${head}.`,
              },
            ],
            docs.createPull,
          );
        }
        if (await repo.isAncestor(headSha, baseSha)) {
          throw validationFailed(
            [
              {
                resource: 'PullRequest',
                code: 'custom',
                message: `No commits between ${body.base} and ${head}`,
              },
            ],
            docs.createPull,
          );
        }
        return repo.addPull(
          {
            title: body.title,
            body: typeof body.body === 'string' ? body.body : null,
            head,
            base: body.base,
            draft: body.draft === true,
          },
          headSha,
          baseSha,
        );
      });
      const rendered = await renderPull(repo, pull, origins, true);
      deliver('pull_request', repo, origins, {
        action: 'opened',
        number: pull.number,
        pull_request: rendered,
      });
      res.status(201).location(rendered.url).json(rendered);
    }),
  );

  const pullNumber = (req: express.Request) => {
    const number = Number(req.params.number);
    if (!Number.isInteger(number) || number <= 0) {
      throw notFound(docs.getPull);
    }
    return number;
  };

  app.get(
    `${R}/pulls/:number`,
    route(async (req, res, { repo, origins }) => {
      const pull = repo.findPull(pullNumber(req));
      conditional(req, res, await renderPull(repo, pull, origins, true));
    }),
  );

  app.patch(
    `${R}/pulls/:number`,
    route(async (req, res, { repo, origins }) => {
      const body = req.body ?? {};
      const pull = await repo.withPulls(async () => {
        const found = repo.findPull(pullNumber(req));
        const invalid = (field: string) =>
          validationFailed(
            [{ resource: 'PullRequest', field, code: 'invalid' }],
            docs.updatePull,
          );
        if (
          body.state !== undefined &&
          body.state !== 'open' &&
          body.state !== 'closed'
        ) {
          throw invalid('state');
        }
        if (body.title !== undefined && typeof body.title !== 'string') {
          throw invalid('title');
        }
        if (
          body.body !== undefined &&
          body.body !== null &&
          typeof body.body !== 'string'
        ) {
          throw invalid('body');
        }
        if (body.base !== undefined) {
          if (
            typeof body.base !== 'string' ||
            !(await repo.getRef(`refs/heads/${body.base}`))
          ) {
            throw invalid('base');
          }
        }
        if (body.state === 'open' && found.state === 'closed') {
          if (found.merged) {
            throw validationFailed(
              [
                {
                  resource: 'PullRequest',
                  code: 'custom',
                  message:
                    'state cannot be changed. The pull request has been merged.',
                },
              ],
              docs.updatePull,
            );
          }
          if (
            repo.pulls.some(
              p =>
                p.state === 'open' &&
                p.head === found.head &&
                p.base === (body.base ?? found.base),
            )
          ) {
            throw validationFailed(
              [
                {
                  resource: 'PullRequest',
                  code: 'custom',
                  message: `A pull request already exists for ${repo.info.owner}:${found.head}.`,
                },
              ],
              docs.updatePull,
            );
          }
          Object.assign(found, {
            state: 'open',
            closedAt: null,
            frozen: undefined,
          });
        }
        if (body.title !== undefined) {
          found.title = body.title;
        }
        if (body.body !== undefined) {
          found.body = body.body;
        }
        if (body.base !== undefined) {
          found.base = body.base;
        }
        const closing = body.state === 'closed' && found.state === 'open';
        if (closing) {
          await repo.closePull(found);
        }
        found.updatedAt = isoSeconds(new Date());
        return { found, closing };
      });
      const rendered = await renderPull(repo, pull.found, origins, true);
      if (pull.closing) {
        deliver('pull_request', repo, origins, {
          action: 'closed',
          number: pull.found.number,
          pull_request: rendered,
        });
      }
      res.json(rendered);
    }),
  );

  app.put(
    `${R}/pulls/:number/merge`,
    route(async (req, res, { repo, origins }) => {
      const body = req.body && typeof req.body === 'object' ? req.body : {};
      const pull = repo.findPull(pullNumber(req));
      const { sha } = await repo.withPulls(async () =>
        repo.mergePull(pull, body),
      );
      deliver('pull_request', repo, origins, {
        action: 'closed',
        number: pull.number,
        pull_request: await renderPull(repo, pull, origins, true),
      });
      res.json({
        sha,
        merged: true,
        message: 'Pull Request successfully merged',
      });
    }),
  );

  addCompareRoute({ app, R, route });

  addReviewAndCheckRoutes({
    app,
    R,
    route,
    pullNumber,
    renderPull,
    conditional,
    user,
    deliver,
  });

  app.use((_req, _res, next) => next(notFound(docs.root)));

  app.use(
    (
      error: unknown,
      _req: express.Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      if (error instanceof ApiError) {
        res.status(error.status).json(error.body);
        return;
      }
      const parseFailure =
        typeof error === 'object' &&
        error !== null &&
        (error as { type?: string }).type === 'entity.parse.failed';
      if (parseFailure) {
        res.status(400).json(basicError(400, 'Problems parsing JSON').body);
        return;
      }
      const message = error instanceof GitError ? error.message : String(error);
      res
        .status(500)
        .json({ message: `Stand-in failure: ${message}`, status: '500' });
    },
  );

  return {
    app,
    calls,
    repositories,
    deliveries: webhooks.deliveries,
    webhooksIdle: () => webhooks.idle(),
    addWebhook: hook => webhooks.add(hook),
    faults,
    resetCalls() {
      calls.length = 0;
    },
    start(startOptions = {}) {
      return new Promise((resolve, reject) => {
        const server = app.listen(startOptions.port ?? 0, '127.0.0.1');
        server.once('error', reject);
        server.once('listening', () => {
          const { port } = server.address() as AddressInfo;
          resolve({
            url: `http://127.0.0.1:${port}`,
            close: () =>
              new Promise<void>((done, fail) => {
                server.close(error => (error ? fail(error) : done()));
                server.closeAllConnections();
              }),
          });
        });
      });
    },
  };
}
