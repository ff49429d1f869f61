import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  argoApp,
  startArgoCdStandIn,
} from '../argocd/__testUtils__/argoCdStandIn';
import {
  exampleEntities,
  startExampleBackend,
} from '../__testUtils__/exampleBackend';
import { startGitHubBackend } from '../__testUtils__/githubBackend';
import { HandDrivenScheduler } from '../__testUtils__/handDrivenScheduler';
import { ownersMayDeployPermissions } from './__testUtils__/ownersMayDeploy';
import { fillPath, routeKey, routeTable } from './__testUtils__/routeTable';
import { databaseFingerprint, refsOf } from './__testUtils__/stateFingerprint';

jest.setTimeout(300_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
/** The credentials the backend holds; no answer may ever carry them. */
const GITHUB_TOKEN = 'ghp_test';
const ARGO_TOKEN = 'argo-authz-token-9f27c1d4e8';

const callers = {
  unauthenticated: undefined,
  service: mockCredentials.service.header(),
  // guest is in team-shop, which owns cart; mallory is in no team.
  'non-owner': mockCredentials.user.header('user:default/mallory'),
  owner: mockCredentials.user.header('user:default/guest'),
};
type Caller = keyof typeof callers;
const expected: Record<Caller, string> = {
  unauthenticated: '401',
  service: '403',
  'non-owner': '403',
  owner: 'allowed',
};

/**
 * One valid request per mutation route, on cart (owned by team-shop). The
 * owner's answers are what the route does once allowed: a 2xx, or for Argo
 * CD actions with nothing to act on, Argo CD's own refusal passed on.
 */
const mutations: Array<{
  route: string;
  /** The backend it runs on: merging is for local repositories. */
  on?: 'local';
  params?: Record<string, string>;
  body?: object;
  ownerStatus: number[];
}> = [
  {
    route: 'POST /entities/:namespace/:kind/:name/deployments',
    body: { environment: 'dev', version: '1.13.0' },
    ownerStatus: [200, 202],
  },
  {
    route: 'POST /entities/:namespace/:kind/:name/promotions',
    body: { from: 'dev', to: 'staging' },
    ownerStatus: [200, 202],
  },
  {
    route: 'POST /entities/:namespace/:kind/:name/rollbacks',
    body: { environment: 'dev', to: '1.12.0' },
    ownerStatus: [200, 202],
  },
  {
    route: 'POST /releases',
    body: {
      environment: 'dev',
      entityRefs: ['component:default/cart'],
      versions: { 'component:default/cart': '1.14.0' },
    },
    ownerStatus: [200, 202],
  },
  {
    route: 'POST /tag-deployments',
    body: { tag: 'shop/staging/2026/01/02/1200-weekly-cart', promote: true },
    ownerStatus: [200, 202],
  },
  {
    route: 'POST /entities/:namespace/:kind/:name/manifests',
    body: { files: [{ path: 'cart/notes/runbook.yaml', content: 'a: 1\n' }] },
    ownerStatus: [200, 202],
  },
  {
    route: 'POST /entities/:namespace/:kind/:name/sync',
    body: { environment: 'dev' },
    ownerStatus: [200, 202],
  },
  {
    route: 'POST /entities/:namespace/:kind/:name/refresh',
    body: { environment: 'dev' },
    ownerStatus: [200],
  },
  {
    route: 'POST /entities/:namespace/:kind/:name/terminate',
    body: { environment: 'dev' },
    ownerStatus: [200, 400, 409],
  },
  {
    route: 'POST /entities/:namespace/:kind/:name/argocd-rollbacks',
    body: { environment: 'dev', historyId: 1 },
    ownerStatus: [200, 400, 404, 409],
  },
  {
    route: 'POST /entities/:namespace/:kind/:name/rollout-actions',
    body: { environment: 'dev', action: 'promote' },
    ownerStatus: [200, 400, 404, 409],
  },
  {
    route: 'POST /repositories/:repo/pulls/:number/merge',
    on: 'local',
    params: { repo: encodeURIComponent('local:demo') },
    ownerStatus: [200],
  },
];

describe('authorization of every mutation, and no credential in any answer', () => {
  it('answers 401 / 403 / 403 / allowed to unauthenticated, service, non-owner and owner callers', async () => {
    const argo = await startArgoCdStandIn({
      token: ARGO_TOKEN,
      applications: [argoApp('cart-dev'), argoApp('cart-staging')],
    });
    const knex = await databases.init('SQLITE_3');
    const localKnex = await databases.init('SQLITE_3');
    const entities = exampleEntities();
    const features = () => [
      new HandDrivenScheduler().factory(),
      // No Authorization header means no credentials (the test backend's
      // default is a mock user).
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
    ];
    const permission = ownersMayDeployPermissions(entities, {
      'user:default/guest': ['group:default/team-shop'],
    });
    const gh = await startGitHubBackend({
      knex,
      entities,
      features: [...features(), permission],
      gitops: config => ({
        ...config,
        argocd: {
          instances: [{ name: 'local', url: argo.url, token: ARGO_TOKEN }],
        },
      }),
    });
    const local = await startExampleBackend({
      knex: localKnex,
      entities,
      permission,
      features: features(),
    });
    const backendOf = (m: (typeof mutations)[number]) =>
      m.on === 'local' ? local : gh;
    const answers: Array<{ text: string; headers: object }> = [];
    const send = async (
      caller: Caller,
      m: (typeof mutations)[number],
      params: Record<string, string>,
    ) => {
      const [method, path] = m.route.split(' ');
      let req = request(backendOf(m).server)[method.toLowerCase() as 'post'](
        fillPath(path, {
          namespace: 'default',
          kind: 'component',
          name: 'cart',
          ...m.params,
          ...params,
        }),
      );
      if (callers[caller]) req = req.set('Authorization', callers[caller]!);
      const res = await req.send(m.body ?? {});
      answers.push({ text: res.text, headers: res.headers });
      return res;
    };

    try {
      // The table covers every mutation route the backend has.
      expect(mutations.map(m => m.route).sort()).toEqual(
        routeTable
          .filter(r => r.mutation)
          .map(routeKey)
          .sort(),
      );

      // The owner opens a pull request to production, for the merge cells.
      const opened = await request(local.server)
        .post('/api/gitops/entities/default/component/cart/deployments')
        .set('Authorization', callers.owner)
        .send({ environment: 'production', version: '1.13.0' })
        .expect(202);
      const number = String(opened.body.pullRequest.number);

      const state = async () => ({
        github: refsOf(gh.git),
        local: refsOf(local.git),
        db: await databaseFingerprint(knex),
        localDb: await databaseFingerprint(localKnex),
      });
      const before = await state();
      const afterRefusals: Array<typeof before> = [];
      const matrix: Record<string, Record<string, string>> = {};
      const outcome = (
        status: number,
        caller: Caller,
        m: (typeof mutations)[number],
      ) => {
        if (status === 401 || status === 403) return String(status);
        if (caller === 'owner' && m.ownerStatus.includes(status))
          return 'allowed';
        return `unexpected ${status}`;
      };
      for (const caller of Object.keys(callers) as Caller[]) {
        const startedAt = Date.now();
        for (const m of mutations) {
          const res = await send(caller, m, { number });
          matrix[m.route] ??= {};
          matrix[m.route][caller] =
            outcome(res.status, caller, m) +
            (outcome(res.status, caller, m) === expected[caller]
              ? ''
              : `: ${res.text.slice(0, 200)}`);
        }
        // eslint-disable-next-line no-console
        console.log(
          `authorization: ${mutations.length} mutations as ${caller} in ${
            Date.now() - startedAt
          } ms`,
        );
        // Refusals write nothing: not a commit, not a row.
        if (caller !== 'owner') afterRefusals.push(await state());
      }
      expect(afterRefusals).toEqual([before, before, before]);
      expect(matrix).toEqual(
        Object.fromEntries(mutations.map(m => [m.route, expected])),
      );

      // The owner's writes used both credentials; none came back.
      expect(
        argo.requests.some(r => r.authorization === `Bearer ${ARGO_TOKEN}`),
      ).toBe(true);
      for (const answer of answers) {
        const seen = `${answer.text}\n${JSON.stringify(answer.headers)}`;
        expect(seen).not.toContain(GITHUB_TOKEN);
        expect(seen).not.toContain(ARGO_TOKEN);
      }
    } finally {
      await gh.close();
      await argo.close();
    }
  });
});
