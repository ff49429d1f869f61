import express from 'express';
import Router from 'express-promise-router';
import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { EnvironmentService } from './service/EnvironmentService';

const SEGMENT = /^[A-Za-z0-9._~-][A-Za-z0-9._~:-]*$/;

/** Routes only parse input, call the service and write the response. */
export async function createRouter(options: {
  httpAuth: HttpAuthService;
  environments: EnvironmentService;
}): Promise<express.Router> {
  const { httpAuth, environments } = options;
  const router = Router();
  router.use(express.json());

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/environments', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json({ environments: environments.listConfigured() });
  });

  router.get(
    '/entities/:namespace/:kind/:name/environments',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      const entityRef = parseEntityParams(req.params);
      res.json(
        await environments.getEntityEnvironments(entityRef, { credentials }),
      );
    },
  );

  return router;
}

function parseEntityParams(params: Record<string, string>) {
  for (const key of ['namespace', 'kind', 'name']) {
    if (!SEGMENT.test(params[key] ?? '')) {
      throw new InputError(
        `Invalid entity ${key} '${params[key]}' in the path`,
      );
    }
  }
  return { namespace: params.namespace, kind: params.kind, name: params.name };
}
