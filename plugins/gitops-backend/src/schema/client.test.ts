import { AddressInfo } from 'node:net';
import { Server } from 'node:http';
import express from 'express';
import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { GitopsClient } from '@shipdeck/plugin-gitops-common';
import { createRouter, RouterOptions } from '../router';

/**
 * The REST client the frontend and the scaffolder module use
 * (`GitopsClient` from gitops-common), held against the spec: every call it
 * makes must reach a route through the spec's validation. The services
 * behind the router throw a marker, so a call the spec refuses (400) or a
 * path the router does not serve (404) shows as a different answer.
 */
describe('GitopsClient against openapi.yaml', () => {
  let server: Server;
  let client: GitopsClient;

  beforeAll(async () => {
    const service = new Proxy(
      {},
      {
        get: (_target, method) => () => {
          throw new Error(`reached ${String(method)}`);
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
      environments: service,
      deployments: service,
      idempotency: service,
      localRepositories: service,
      sync: service,
      timeline: service,
      overview: service,
      metrics: service,
      pullRequests: service,
      manifests: service,
    } as unknown as RouterOptions;
    const app = express();
    app.use('/api/gitops', await createRouter(options));
    app.use(mockErrorHandler());
    server = await new Promise(resolve => {
      const s = app.listen(0, () => resolve(s));
    });
    const { port } = server.address() as AddressInfo;
    client = new GitopsClient({
      discoveryApi: {
        getBaseUrl: async () => `http://localhost:${port}/api/gitops`,
      },
      fetchApi: {
        fetch: (input, init) =>
          fetch(input, {
            ...init,
            headers: {
              ...(init?.headers as Record<string, string>),
              Authorization: mockCredentials.user.header(),
            },
          }),
      },
    });
  });

  afterAll(async () => {
    await new Promise(resolve => server.close(resolve));
  });

  const entity = 'component:default/cart';
  const calls: Array<[string, (c: GitopsClient) => Promise<unknown>]> = [
    ['getConfiguredEnvironments', c => c.getConfiguredEnvironments()],
    ['getManifestRepository', c => c.getManifestRepository()],
    ['getEntityEnvironments', c => c.getEntityEnvironments(entity)],
    [
      'requestDeployment (deploy)',
      c =>
        c.requestDeployment(
          entity,
          { type: 'deploy', environment: 'dev', version: '1.2.3' },
          { idempotencyKey: 'ci-run-1' },
        ),
    ],
    [
      'requestDeployment (promote)',
      c => c.requestDeployment(entity, { type: 'promote', from: 'a', to: 'b' }),
    ],
    [
      'previewDeployment (rollback)',
      c =>
        c.previewDeployment(entity, {
          type: 'rollback',
          environment: 'dev',
          to: '1.2.2',
        }),
    ],
    [
      'sync',
      c =>
        c.sync(entity, {
          environment: 'dev',
          prune: true,
          wait: true,
          timeoutSeconds: 60,
        }),
    ],
    [
      'publishManifests',
      c =>
        c.publishManifests(entity, {
          files: [{ path: 'cart/a.yaml', content: 'a: 1', environment: 'dev' }],
          pullRequest: true,
          message: 'Add cart',
        }),
    ],
    [
      'previewManifests',
      c =>
        c.previewManifests(entity, {
          files: [{ path: 'cart/a.yaml', content: 'a: 1' }],
        }),
    ],
    ['refresh', c => c.refresh(entity, { environment: 'dev', hard: true })],
    [
      'rolloutAction',
      c => c.rolloutAction(entity, { environment: 'dev', action: 'abort' }),
    ],
    ['mergePullRequest', c => c.mergePullRequest('local:demo', 7)],
    ['getDeployment', c => c.getDeployment('d-1')],
    [
      'getTimeline',
      c =>
        c.getTimeline(entity, {
          environment: 'dev',
          types: ['deployment', 'health'],
          before: '2026-11-28T09:00:00.000Z',
          limit: 50,
        }),
    ],
    [
      'getOverview',
      c =>
        c.getOverview({
          owner: 'group:default/team-a',
          system: 'shop',
          environment: 'dev',
          status: 'problems',
          changedWithinHours: 24,
        }),
    ],
    ['getMetrics', c => c.getMetrics({ entity, days: 30 })],
  ];

  it.each(calls)(
    '%s passes the spec and reaches its route',
    async (_name, call) => {
      const error = await call(client).then(
        () => undefined,
        e => e,
      );
      expect(error?.body?.error?.message).toMatch(/^reached /);
      expect(error?.response?.status).toBe(500);
    },
  );
});
