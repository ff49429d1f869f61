import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import express from 'express';
import request from 'supertest';
import { parse } from 'yaml';
import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { createRouter, RouterOptions } from '../router';
import { spec } from './openapi/generated/router';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Services that fail the test when called: the spec answers first. */
function untouchedServices() {
  const called: string[] = [];
  const service = (name: string) =>
    new Proxy(
      {},
      {
        get: (_target, method) => () => {
          called.push(`${name}.${String(method)}`);
          throw new Error(`${name}.${String(method)} must not be called`);
        },
      },
    );
  const options = {
    auth: mockServices.auth(),
    httpAuth: mockServices.httpAuth(),
    auditor: mockServices.auditor.mock({
      createEvent: async () => ({
        success: async () => {},
        fail: async () => {},
      }),
    }),
    environments: service('environments'),
    deployments: service('deployments'),
    idempotency: service('idempotency'),
    localRepositories: service('localRepositories'),
    sync: service('sync'),
    timeline: service('timeline'),
    overview: service('overview'),
    metrics: service('metrics'),
    pullRequests: service('pullRequests'),
    manifests: service('manifests'),
    sourceChanges: service('sourceChanges'),
  } as unknown as RouterOptions;
  return { options, called };
}

async function startApp() {
  const { options, called } = untouchedServices();
  const app = express();
  app.use(await createRouter(options));
  app.use(mockErrorHandler());
  return { app, called };
}

/** Every route the router serves, as `METHOD /spec/{path}`. */
function servedRoutes(router: express.Router): string[] {
  return router.stack
    .filter(layer => layer.route)
    .flatMap(layer => {
      const route = layer.route as unknown as {
        path: string;
        methods: Record<string, boolean>;
      };
      const path = route.path
        .replace(/:(\w+)/g, '{$1}')
        .replace(/\*$/, '{path}');
      return Object.keys(route.methods).map(m => `${m.toUpperCase()} ${path}`);
    })
    .filter(route => !route.endsWith('/openapi.json'));
}

describe('openapi.yaml', () => {
  it('is what the generated router module holds (run `yarn generate:openapi` after editing it)', () => {
    const yaml = parse(
      readFileSync(resolve(__dirname, 'openapi.yaml'), 'utf8'),
    );
    expect(JSON.parse(JSON.stringify(spec))).toEqual(yaml);
  });

  it('describes every route the router serves, and nothing else', async () => {
    const { options } = untouchedServices();
    const served = servedRoutes(await createRouter(options)).sort();
    const described = Object.entries(spec.paths)
      .flatMap(([path, item]) =>
        Object.keys(item)
          .filter(m => METHODS.includes(m))
          .map(m => `${m.toUpperCase()} ${path}`),
      )
      .sort();
    expect(served).toEqual(described);
  });

  it.each([
    [
      'a value out of range',
      '/entities/default/component/cart/sync',
      { environment: 'dev', timeoutSeconds: 0 },
      'request/body/timeoutSeconds must be >= 1',
    ],
    [
      'a value the enum does not allow',
      '/entities/default/component/cart/rollout-actions',
      { environment: 'dev', action: 'pause' },
      'must be equal to one of the allowed values: promote, promote-full, abort, retry',
    ],
    [
      'a missing property',
      '/entities/default/component/cart/promotions',
      { from: 'dev' },
      "request/body must have required property 'to'",
    ],
    [
      'a property of the wrong type',
      '/entities/default/component/cart/argocd-rollbacks',
      { environment: 'dev', historyId: 'latest' },
      'request/body/historyId must be integer',
    ],
    [
      'a property the spec does not list',
      '/entities/default/component/cart/deployments',
      { environment: 'dev', version: '1.0.0', force: true },
      'Unrecognized key: "force"',
    ],
    [
      'a nested property the spec does not list',
      '/entities/default/component/cart/manifests',
      { files: [{ path: 'a.yaml', content: 'a: 1', mode: '0644' }] },
      'files.0: Unrecognized key: "mode"',
    ],
    [
      'an empty list',
      '/entities/default/component/cart/manifests',
      { files: [] },
      'request/body/files must NOT have fewer than 1 items',
    ],
  ])(
    'answers 400 for %s before any service runs',
    async (_what, path, body, message) => {
      const { app, called } = await startApp();
      const res = await request(app)
        .post(path)
        .set('Authorization', mockCredentials.user.header())
        .send(body)
        .expect(400);
      expect(res.body.error).toMatchObject({ name: 'InputError' });
      expect(res.body.error.message).toContain(message);
      expect(res.body.request).toMatchObject({ method: 'POST' });
      expect(called).toEqual([]);
    },
  );

  it('answers 400 for query parameters the spec forbids', async () => {
    const { app, called } = await startApp();
    const user = mockCredentials.user.header();
    const unknown = await request(app)
      .get('/overview?colour=red')
      .set('Authorization', user)
      .expect(400);
    expect(unknown.body.error.message).toContain(
      "Unknown query parameter 'colour'",
    );
    const status = await request(app)
      .get('/overview?status=broken')
      .set('Authorization', user)
      .expect(400);
    expect(status.body.error.message).toContain(
      'must be equal to one of the allowed values: all, problems, healthy',
    );
    const limit = await request(app)
      .get('/entities/default/component/cart/timeline?limit=500')
      .set('Authorization', user)
      .expect(400);
    expect(limit.body.error.message).toContain(
      'request/query/limit must be <= 200',
    );
    expect(called).toEqual([]);
  });

  it('answers 400 for a malformed Idempotency-Key or path parameter', async () => {
    const { app, called } = await startApp();
    const user = mockCredentials.user.header();
    const key = await request(app)
      .post('/releases')
      .set('Authorization', user)
      .set('Idempotency-Key', 'has spaces')
      .send({ environment: 'dev', system: 'shop' })
      .expect(400);
    expect(key.body.error.message).toContain('idempotency-key');
    const pull = await request(app)
      .post('/repositories/local%3Ademo/pulls/first/merge')
      .set('Authorization', user)
      .expect(400);
    expect(pull.body.error.message).toContain(
      'request/params/number must be integer',
    );
    expect(called).toEqual([]);
  });
});
