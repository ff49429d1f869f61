import express from 'express';
import { DeclaredApplication, readDeclaredApplications } from './applications';

export interface EmulatorOptions {
  /** Git repository holding the manifests and `argocd/` Applications. */
  repoDir: string;
  /** Branch Applications are read from. */
  revision: string;
  /** Bearer token every API call must carry, as with a real Argo CD account token. */
  token: string;
}

// Argo CD answers errors in gRPC-gateway form: {code, message, error, details}.
function grpcError(
  res: express.Response,
  http: number,
  code: number,
  message: string,
) {
  res.status(http).json({ code, message, error: message, details: [] });
}

/** Argo CD's view of an Application: the declared object plus a status. */
function toApiApplication(app: DeclaredApplication, sha: string) {
  // Argo CD's API serves Applications without apiVersion and kind.
  const { apiVersion: _apiVersion, kind: _kind, ...rest } = app;
  return {
    ...rest,
    metadata: { namespace: 'argocd', ...app.metadata },
    status: {
      // Reconciliation (sync, health, history) arrives with the Argo CD issue;
      // until then the emulator reports what it knows: the revision it read.
      sync: { status: 'Unknown', revision: sha },
      health: { status: 'Unknown' },
    },
  };
}

/** The emulator's HTTP API: the subset of Argo CD's REST API Shipdeck calls. */
export function createEmulatorApp(options: EmulatorOptions): express.Express {
  const app = express();
  app.use(express.json());

  app.get('/healthz', (_req, res) => {
    res.type('text/plain').send('ok');
  });

  app.use('/api/v1', (req, res, next) => {
    const header = req.header('authorization') ?? '';
    if (header !== `Bearer ${options.token}`) {
      grpcError(res, 401, 16, 'no session information');
      return;
    }
    next();
  });

  app.get('/api/v1/session/userinfo', (_req, res) => {
    res.json({ loggedIn: true, username: 'shipdeck', iss: 'argocd' });
  });

  app.get('/api/v1/applications', async (_req, res) => {
    const { sha, applications } = await readDeclaredApplications(
      options.repoDir,
      options.revision,
    );
    res.json({
      metadata: { resourceVersion: sha.slice(0, 12) },
      items: applications.map(a => toApiApplication(a, sha)),
    });
  });

  app.get('/api/v1/applications/:name', async (req, res) => {
    const { sha, applications } = await readDeclaredApplications(
      options.repoDir,
      options.revision,
    );
    const found = applications.find(a => a.metadata.name === req.params.name);
    if (!found) {
      grpcError(
        res,
        404,
        5,
        `applications.argoproj.io "${req.params.name}" not found`,
      );
      return;
    }
    res.json(toApiApplication(found, sha));
  });

  app.use(
    (
      error: Error,
      _req: express.Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      grpcError(res, 500, 13, error.message);
    },
  );
  return app;
}
