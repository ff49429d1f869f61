import express from 'express';
import { applicationPage } from './webPage';
import { ApplicationSource } from './applications';
import { ApiError, invalidArgument, notFound } from './errors';
import { FaultState, Faults } from './faults';
import { parseFields, parseLabelSelector, projectListItem } from './query';
import { Commands, ResourceRef } from './commands';
import { Reconciler } from './reconciler';
import { isCommitSha, isShaLike, GitRepo } from './repo';
import { compareStrings } from './resources';
import { AppState, Timings } from './state';
import { StreamHub } from './stream';
import { Clock, formatTime } from './time';
import {
  applicationView,
  compact,
  eventListView,
  resourceTreeView,
} from './view';

/** What the HTTP layer serves from. */
export interface ServerContext {
  reconciler: Reconciler;
  commands: Commands;
  faults: FaultState;
  repo: GitRepo;
  streams: StreamHub;
  tokens: string[];
  username: string;
  clock: Clock;
  timings: Timings;
  branch: string;
}

type Handler = (req: express.Request, res: express.Response) => unknown;

/** Wraps a handler: ApiErrors become Argo CD's error body, others 500/code 2. */
function route(handler: Handler): express.RequestHandler {
  return (req, res) => {
    Promise.resolve()
      .then(() => handler(req, res))
      .catch(error => {
        if (res.headersSent) return;
        const e =
          error instanceof ApiError
            ? error
            : new ApiError(2, (error as Error).message);
        res.status(e.httpStatus).json(e.body);
      });
  };
}

function queryList(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value])
    .flatMap(v => String(v).split(','))
    .filter(Boolean);
}

function queryString(value: unknown): string | undefined {
  if (Array.isArray(value)) return value.length ? String(value[0]) : undefined;
  return value === undefined || value === '' ? undefined : String(value);
}

function normalizeRepo(url: string): string {
  return url
    .replace(/\.git$/, '')
    .replace(/\/$/, '')
    .toLowerCase();
}

/** The list/watch filters: name, projects, selector, appNamespace, repo. */
function appFilter(
  query: express.Request['query'],
): (app: AppState) => boolean {
  const name = queryString(query.name);
  const projects = [...queryList(query.projects), ...queryList(query.project)];
  const appNamespace = queryString(query.appNamespace);
  const repo = queryString(query.repo);
  const selector = queryString(query.selector);
  const labels = selector ? parseLabelSelector(selector) : undefined;
  return app => {
    if (name && app.name !== name) return false;
    if (appNamespace && app.namespace !== appNamespace) return false;
    if (projects.length && !projects.includes(app.declared.spec.project))
      return false;
    if (repo) {
      const sources: ApplicationSource[] = app.declared.spec.source
        ? [app.declared.spec.source]
        : app.declared.spec.sources ?? [];
      if (
        !sources.some(
          s => s.repoURL && normalizeRepo(s.repoURL) === normalizeRepo(repo),
        )
      )
        return false;
    }
    if (labels && !labels(app.declared.metadata.labels ?? {})) return false;
    return true;
  };
}

function resourceRefFrom(source: Record<string, any>): ResourceRef {
  if (!source.resourceName || !source.kind) {
    throw invalidArgument('resourceName and kind are required');
  }
  return {
    namespace: source.namespace || undefined,
    resourceName: String(source.resourceName),
    group: source.group ? String(source.group) : '',
    kind: String(source.kind),
    version: source.version ? String(source.version) : undefined,
  };
}

/**
 * The HTTP API: the subset of Argo CD's REST API Shipdeck calls (under
 * /api/v1, bearer token required) plus the emulator's control API
 * (/emulator/*, for tests; no token).
 */
export function createServer(ctx: ServerContext): express.Express {
  const { reconciler, commands, faults, streams } = ctx;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(express.json({ limit: '5mb', strict: false }));

  app.get('/healthz', (_req, res) => {
    res.type('text/plain').send('ok');
  });

  // ---- control API -----------------------------------------------------------
  app.get('/emulator/faults', (_req, res) => {
    res.json(faults.current);
  });
  app.post('/emulator/faults', (req, res) => {
    faults.set((req.body ?? {}) as Faults);
    res.json(faults.current);
  });
  app.delete('/emulator/faults', (_req, res) => {
    faults.clear();
    res.json({});
  });
  app.post(
    '/emulator/reconcile',
    route(async (req, res) => {
      const names = queryList(req.query.app);
      await reconciler.reconcile(
        names.length
          ? names.map(n => (n.includes('/') ? n : `argocd/${n}`))
          : undefined,
      );
      res.json({
        reconciledAt: reconciler.lastReconcileAt
          ? formatTime(reconciler.lastReconcileAt)
          : undefined,
        notReady: reconciler.notReady,
        applications: reconciler.apps.size,
      });
    }),
  );
  app.get('/emulator/state', (_req, res) => {
    res.json({
      repo: ctx.repo.gitDir,
      branch: ctx.branch,
      notReady: reconciler.notReady,
      lastReconcileAt: reconciler.lastReconcileAt
        ? formatTime(reconciler.lastReconcileAt)
        : undefined,
      resourceVersion: reconciler.currentResourceVersion,
      faults: faults.current,
      timings: ctx.timings,
      streams: streams.connections,
      applications: [...reconciler.apps.values()].map(a => ({
        key: a.key,
        targetSha: a.targetSha,
        targetError: a.targetError,
        sourceType: a.rendered?.sourceType,
        sync: a.syncStatus,
        health: a.health.status,
        operation: a.operationState?.phase,
        history: a.history.length,
        live: [...a.live.resources.values()].map(l => ({
          key: l.resource.key,
          images: l.resource.images,
          workload: l.workload,
          rollout: l.rollout,
          paused: l.paused,
        })),
        hooks: [...a.live.hooks.values()].map(h => ({
          key: h.resource.key,
          phase: h.phase,
        })),
      })),
    });
  });

  // ---- Argo CD API -------------------------------------------------------------
  app.use('/api/v1', faults.middleware());
  app.use('/api/v1', (req, res, next) => {
    const header = req.header('authorization') ?? '';
    const bearer = header.toLowerCase().startsWith('bearer ')
      ? header.slice(7).trim()
      : undefined;
    const cookie = /(?:^|;\s*)argocd\.token=([^;]+)/.exec(
      req.header('cookie') ?? '',
    )?.[1];
    const token = bearer ?? cookie;
    if (!token || !ctx.tokens.includes(token)) {
      const e = new ApiError(
        16,
        token
          ? 'invalid session: token signature is invalid'
          : 'no session information',
      );
      res.status(e.httpStatus).json(e.body);
      return;
    }
    next();
  });

  app.get('/api/v1/session/userinfo', (_req, res) => {
    res.json({ loggedIn: true, username: ctx.username, iss: 'argocd' });
  });

  app.get(
    '/api/v1/applications',
    route((req, res) => {
      const matches = appFilter(req.query);
      const items = [...reconciler.apps.values()]
        .filter(matches)
        .sort((a, b) => compareStrings(a.name, b.name))
        .map(applicationView);
      const fields = parseFields(req.query.fields);
      res.json({
        metadata: {
          resourceVersion: String(reconciler.currentResourceVersion),
        },
        items: fields ? items.map(i => projectListItem(i, fields)) : items,
      });
    }),
  );

  /** The one project a GET-style request names (query `project`/`projects`). */
  const projectOf = (query: express.Request['query']) => {
    const projects = [
      ...queryList(query.project),
      ...queryList(query.projects),
    ];
    if (projects.length > 1) {
      throw invalidArgument(
        'multiple projects specified - the get endpoint accepts either zero or one project',
      );
    }
    return projects[0];
  };
  const findFromQuery = (req: express.Request, param = 'name') =>
    commands.find(
      req.params[param],
      queryString(req.query.appNamespace),
      projectOf(req.query),
    );
  const findFromBody = (req: express.Request) => {
    const body = (req.body ?? {}) as Record<string, any>;
    return commands.find(
      req.params.name,
      body.appNamespace || queryString(req.query.appNamespace),
      body.project || queryString(req.query.project),
    );
  };

  app.get(
    '/api/v1/applications/:name',
    route(async (req, res) => {
      const found = findFromQuery(req);
      const refresh = queryString(req.query.refresh);
      if (refresh !== undefined) {
        // Blocks until a reconcile that started after this request has run.
        await reconciler.reconcile([found.key], { hard: refresh === 'hard' });
        const current = commands.find(found.name, found.namespace);
        res.json(applicationView(current));
        return;
      }
      res.json(applicationView(found));
    }),
  );

  // Argo CD's web UI addresses apps as /applications/<name> and, in apps-in-
  // any-namespace setups, /applications/<namespace>/<name>.
  app.get(
    ['/applications/:name', '/applications/:namespace/:name'],
    (req, res) => {
      try {
        const found = commands.find(req.params.name, req.params.namespace);
        res.type('text/html').send(applicationPage(applicationView(found)));
      } catch {
        res
          .status(404)
          .type('text/plain')
          .send(`No Application ${req.params.name} in the Argo CD emulator`);
      }
    },
  );

  app.post(
    '/api/v1/applications/:name/sync',
    route(async (req, res) => {
      const found = findFromBody(req);
      await commands.sync(found, (req.body ?? {}) as Record<string, any>);
      res.json(applicationView(found));
    }),
  );

  app.post(
    '/api/v1/applications/:name/rollback',
    route((req, res) => {
      const found = findFromBody(req);
      commands.rollback(found, (req.body ?? {}) as Record<string, any>);
      res.json(applicationView(found));
    }),
  );

  app.delete(
    '/api/v1/applications/:name/operation',
    route((req, res) => {
      commands.terminate(findFromQuery(req));
      res.json({});
    }),
  );

  app.get(
    '/api/v1/applications/:applicationName/resource-tree',
    route((req, res) => {
      const found = findFromQuery(req, 'applicationName');
      const tree = resourceTreeView(found, ctx.clock());
      const { kind, name, namespace, group } = req.query as Record<
        string,
        string | undefined
      >;
      if (kind || name || namespace || group) {
        tree.nodes = tree.nodes.filter(
          (n: Record<string, any>) =>
            (!kind || n.kind === kind) &&
            (!name || n.name === name) &&
            (!namespace || n.namespace === namespace) &&
            (group === undefined || (n.group ?? '') === group),
        );
      }
      res.json(tree);
    }),
  );

  app.get(
    '/api/v1/applications/:name/events',
    route((req, res) => {
      const found = findFromQuery(req);
      res.json(eventListView(found, reconciler.currentResourceVersion));
    }),
  );

  app.get(
    '/api/v1/applications/:name/resource/actions',
    route((req, res) => {
      const found = findFromQuery(req);
      const actions = commands.actions(
        found,
        resourceRefFrom(req.query as Record<string, any>),
      );
      res.json({
        actions: actions.map(a =>
          compact({ name: a.name, disabled: a.disabled }),
        ),
      });
    }),
  );

  app.post(
    '/api/v1/applications/:name/resource/actions/v2',
    route((req, res) => {
      const body = (req.body ?? {}) as Record<string, any>;
      const found = findFromBody(req);
      if (!body.action) throw invalidArgument('action is required');
      commands.runAction(found, resourceRefFrom(body), String(body.action));
      res.json({});
    }),
  );

  // The deprecated v1 form: resource in the query, the action name as the JSON body.
  app.post(
    '/api/v1/applications/:name/resource/actions',
    route((req, res) => {
      const found = findFromQuery(req);
      const action = typeof req.body === 'string' ? req.body : req.body?.action;
      if (!action) throw invalidArgument('action is required');
      commands.runAction(
        found,
        resourceRefFrom(req.query as Record<string, any>),
        String(action),
      );
      res.json({});
    }),
  );

  app.get(
    '/api/v1/applications/:name/revisions/:revision/metadata',
    route(async (req, res) => {
      findFromQuery(req);
      const revision = req.params.revision;
      if (!isCommitSha(revision) && !isShaLike(revision)) {
        throw invalidArgument(`revision ${revision} must be resolved`);
      }
      const sha = isCommitSha(revision)
        ? revision
        : await ctx.repo.resolve(revision);
      const info = sha ? await ctx.repo.commitInfo(sha) : undefined;
      if (!info) throw notFound(`revision ${revision} not found`);
      res.json({
        author: info.author,
        date: info.date,
        message: info.message,
        tags: info.tags,
        references: [],
      });
    }),
  );

  app.get(
    '/api/v1/stream/applications',
    route((req, res) => {
      streams.watch(req, res, {
        matches: appFilter(req.query),
        resourceVersion: queryString(req.query.resourceVersion),
        name: queryString(req.query.name),
        fields: parseFields(req.query.fields),
      });
    }),
  );

  app.use('/api/v1', (_req, res) => {
    res
      .status(404)
      .json({ code: 5, message: 'Not Found', error: 'Not Found', details: [] });
  });

  app.use(
    (
      error: Error & { status?: number; type?: string },
      _req: express.Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      const e =
        error.type === 'entity.parse.failed'
          ? invalidArgument(`invalid request body: ${error.message}`)
          : new ApiError(13, error.message);
      res.status(e.httpStatus).json(e.body);
    },
  );
  return app;
}
