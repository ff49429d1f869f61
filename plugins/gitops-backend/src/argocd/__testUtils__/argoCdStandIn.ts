import { AddressInfo } from 'node:net';
import express from 'express';
import { ArgoApplication } from '../types';

/** A request as the stand-in received it. */
export interface RecordedRequest {
  method: string;
  path: string;
  /** The raw query string, without `?`. */
  search: string;
  query: URLSearchParams;
  body: any;
  authorization?: string;
  /** When it arrived (ms since the epoch). */
  at: number;
}

/** A scripted answer for the next matching request(s). */
export interface Fault {
  /** Which requests it applies to; default all. */
  match?: (req: RecordedRequest) => boolean;
  /** How many requests it answers; default 1. */
  times?: number;
  /** Answer with this status and Argo CD error body. */
  status?: number;
  code?: number;
  message?: string;
  /** A raw body instead of Argo CD's error shape. */
  rawBody?: string;
  /** Wait this long before answering (or forever, with `status` unset and `hang`). */
  delayMs?: number;
  /** Never answer. */
  hang?: boolean;
}

const CONTROL_PLANE = 'argocd';

type ResourceActions = Record<
  string,
  Array<{ name: string; displayName?: string; disabled?: boolean }>
>;

/**
 * A local HTTP server that answers like Argo CD v3.5.1's API server for the
 * calls Shipdeck makes: bearer auth, `{code, message, error, details}` error
 * bodies, 403 for a missing app without `project`, FailedPrecondition for a
 * sync during an operation or against auto-sync, and the list projection.
 * Tests inject faults (statuses, delays, hangs) and read what was sent.
 */
export async function startArgoCdStandIn(
  options: {
    token?: string;
    applications?: ArgoApplication[];
    resourceActions?: ResourceActions;
  } = {},
) {
  const token = options.token ?? 'argo-token';
  const apps: ArgoApplication[] = structuredClone(options.applications ?? []);
  const resourceActions = options.resourceActions ?? {};
  const requests: RecordedRequest[] = [];
  const faults: Fault[] = [];
  const sockets = new Set<import('node:net').Socket>();

  const app = express();
  app.use(express.json());

  const grpcError = (
    res: express.Response,
    status: number,
    code: number,
    message: string,
  ) => {
    res.status(status).json({ code, message, error: message, details: [] });
  };

  app.use(async (req, res, next) => {
    const search = req.originalUrl.includes('?')
      ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1)
      : '';
    const recorded: RecordedRequest = {
      method: req.method,
      path: req.path,
      search,
      query: new URLSearchParams(search),
      body: req.body && Object.keys(req.body).length ? req.body : undefined,
      authorization: req.header('authorization'),
      at: Date.now(),
    };
    requests.push(recorded);
    const index = faults.findIndex(f => !f.match || f.match(recorded));
    if (index < 0) {
      next();
      return;
    }
    const fault = faults[index];
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) faults.splice(index, 1);
    if (fault.hang) return;
    if (fault.delayMs) {
      await new Promise(r => setTimeout(r, fault.delayMs));
    }
    if (fault.status === undefined) {
      next();
    } else if (fault.rawBody !== undefined) {
      res.status(fault.status).type('text/html').send(fault.rawBody);
    } else {
      grpcError(
        res,
        fault.status,
        fault.code ?? 2,
        fault.message ?? 'injected failure',
      );
    }
  });

  app.use('/api/v1', (req, res, next) => {
    if (req.header('authorization') !== `Bearer ${token}`) {
      grpcError(res, 401, 16, 'invalid session: token signature is invalid');
      return;
    }
    next();
  });

  const find = (name: string, appNamespace?: unknown) => {
    const namespace =
      typeof appNamespace === 'string' && appNamespace
        ? appNamespace
        : CONTROL_PLANE;
    return apps.find(
      a =>
        a.metadata.name === name &&
        (a.metadata.namespace ?? CONTROL_PLANE) === namespace,
    );
  };

  // Argo CD answers 403 for a missing app unless the caller named a project.
  const lookup = (
    res: express.Response,
    name: string,
    appNamespace: unknown,
    project: unknown,
  ) => {
    const found = find(name, appNamespace);
    if (found && (!project || found.spec?.project === project)) {
      return found;
    }
    if (project) {
      grpcError(res, 404, 5, `applications.argoproj.io "${name}" not found`);
    } else {
      grpcError(
        res,
        403,
        7,
        `permission denied: applications, get, ${name}, sub: shipdeck, iat: 2025-01-01T00:00:00Z`,
      );
    }
    return undefined;
  };

  app.get('/api/v1/applications', (req, res) => {
    const query = new URLSearchParams(req.originalUrl.split('?')[1] ?? '');
    const selector = query.get('selector');
    const projects = query.getAll('projects');
    const appNamespace = query.get('appNamespace');
    let items = apps.filter(
      a =>
        (!projects.length || projects.includes(a.spec?.project ?? '')) &&
        (!appNamespace ||
          (a.metadata.namespace ?? CONTROL_PLANE) === appNamespace) &&
        (!selector ||
          selector.split(',').every(term => {
            const [key, value] = term.split('=');
            return a.metadata.labels?.[key] === value;
          })),
    );
    items = [...items].sort((a, b) =>
      a.metadata.name.localeCompare(b.metadata.name),
    );
    const fields = query.get('fields');
    res.json({
      metadata: { resourceVersion: '4711' },
      items: items.length
        ? items.map(a => (fields ? applyProjection(a, fields) : a))
        : null,
    });
  });

  app.get('/api/v1/applications/:name', (req, res) => {
    const found = lookup(
      res,
      req.params.name,
      req.query.appNamespace,
      req.query.project,
    );
    if (!found) return;
    if (req.query.refresh) {
      found.status = {
        ...found.status,
        reconciledAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      };
    }
    res.json(found);
  });

  app.post('/api/v1/applications/:name/sync', (req, res) => {
    const found = lookup(
      res,
      req.params.name,
      req.body.appNamespace,
      req.body.project,
    );
    if (!found) return;
    if (found.operation || found.status?.operationState?.phase === 'Running') {
      grpcError(res, 400, 9, 'another operation is already in progress');
      return;
    }
    const target = found.spec?.source?.targetRevision ?? 'HEAD';
    if (
      req.body.revision &&
      found.spec?.syncPolicy?.automated &&
      req.body.revision !== target
    ) {
      grpcError(
        res,
        400,
        9,
        `Cannot sync to ${req.body.revision}: auto-sync currently set to ${target}`,
      );
      return;
    }
    const sync = {
      ...(req.body.revision ? { revision: req.body.revision } : {}),
      ...(req.body.prune ? { prune: true } : {}),
      ...(req.body.dryRun ? { dryRun: true } : {}),
    };
    found.operation = { sync, info: req.body.infos };
    found.status = {
      ...found.status,
      operationState: {
        phase: 'Running',
        startedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        operation: {
          sync,
          info: req.body.infos,
          initiatedBy: { username: 'shipdeck' },
        },
      },
    };
    res.json(found);
  });

  app.delete('/api/v1/applications/:name/operation', (req, res) => {
    const found = lookup(
      res,
      req.params.name,
      req.query.appNamespace,
      req.query.project,
    );
    if (!found) return;
    if (!found.operation || !found.status?.operationState) {
      grpcError(
        res,
        400,
        3,
        'Unable to terminate operation. No operation is in progress',
      );
      return;
    }
    found.status.operationState.phase = 'Terminating';
    res.json({});
  });

  app.post('/api/v1/applications/:name/rollback', (req, res) => {
    const found = lookup(
      res,
      req.params.name,
      req.body.appNamespace,
      req.body.project,
    );
    if (!found) return;
    if (found.spec?.syncPolicy?.automated) {
      grpcError(
        res,
        400,
        9,
        'rollback cannot be initiated when auto-sync is enabled',
      );
      return;
    }
    const entry = found.status?.history?.find(h => h.id === req.body.id);
    if (!entry) {
      grpcError(
        res,
        400,
        3,
        `application ${req.params.name} does not have deployment with id ${req.body.id}`,
      );
      return;
    }
    found.operation = { sync: { revision: entry.revision } };
    res.json(found);
  });

  app.get('/api/v1/applications/:name/resource/actions', (req, res) => {
    const found = lookup(
      res,
      req.params.name,
      req.query.appNamespace,
      req.query.project,
    );
    if (!found) return;
    const kind = String(req.query.kind);
    if (!resourceActions[kind]) {
      grpcError(
        res,
        404,
        5,
        `${kind} ${req.query.resourceName} not found as part of application ${req.params.name}`,
      );
      return;
    }
    res.json({ actions: resourceActions[kind] });
  });

  app.post('/api/v1/applications/:name/resource/actions/v2', (req, res) => {
    const found = lookup(
      res,
      req.params.name,
      req.body.appNamespace,
      req.body.project,
    );
    if (!found) return;
    const action = resourceActions[req.body.kind]?.find(
      a => a.name === req.body.action,
    );
    if (!action || action.disabled) {
      grpcError(
        res,
        400,
        3,
        `action ${req.body.action} is not available for ${req.body.kind} ${req.body.resourceName}`,
      );
      return;
    }
    res.json({});
  });

  const server = app.listen(0, '127.0.0.1');
  server.on('connection', socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise(r => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    apps,
    requests,
    /** Requests other than the ones a test filters out, e.g. by path. */
    requestsTo: (path: string) => requests.filter(r => r.path === path),
    fault: (fault: Fault) => faults.push({ ...fault }),
    close: () =>
      new Promise<void>(resolve => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export type ArgoCdStandIn = Awaited<ReturnType<typeof startArgoCdStandIn>>;

/** The list projection: keeps only the `items.`-prefixed paths asked for. */
function applyProjection(
  app: ArgoApplication,
  fields: string,
): ArgoApplication {
  const out: any = {};
  for (const field of fields.split(',')) {
    const path = field.replace(/^items\./, '').split('.');
    let source: any = app;
    let target = out;
    for (let i = 0; i < path.length && source !== undefined; i++) {
      source = source?.[path[i]];
      if (source === undefined) break;
      if (i === path.length - 1) {
        target[path[i]] = structuredClone(source);
      } else {
        target[path[i]] = target[path[i]] ?? {};
        target = target[path[i]];
      }
    }
  }
  return out;
}

/** An Application as Argo CD serves it, with sensible defaults. */
export function argoApp(
  name: string,
  overrides: {
    namespace?: string;
    project?: string;
    labels?: Record<string, string>;
    automated?: boolean;
    status?: ArgoApplication['status'];
    sources?: boolean;
  } = {},
): ArgoApplication {
  const source = {
    repoURL: 'https://github.com/acme/deploy',
    path: `apps/${name}`,
    targetRevision: 'main',
  };
  return {
    metadata: {
      name,
      namespace: overrides.namespace ?? CONTROL_PLANE,
      ...(overrides.labels ? { labels: overrides.labels } : {}),
    },
    spec: {
      project: overrides.project ?? 'default',
      ...(overrides.sources
        ? {
            sources: [
              {
                repoURL: 'https://charts.acme.example',
                chart: 'service',
                targetRevision: '1.4.2',
                helm: { valueFiles: ['$values/values.yaml'] },
              },
              source,
            ],
          }
        : { source }),
      destination: {
        server: 'https://kubernetes.default.svc',
        namespace: name,
      },
      syncPolicy: overrides.automated
        ? { automated: { prune: true, selfHeal: true } }
        : {},
    },
    status: overrides.status ?? {
      sync: { status: 'Synced', revision: 'a'.repeat(40) },
      health: { status: 'Healthy' },
      reconciledAt: '2025-01-01T00:00:00Z',
    },
  };
}
