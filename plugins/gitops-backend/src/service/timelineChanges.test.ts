import { randomUUID } from 'node:crypto';
import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import { DatabaseDeploymentStore } from '../database/DatabaseDeploymentStore';
import { AppEvent } from '../snapshots/timelineEvents';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { startExampleBackend } from '../__testUtils__/exampleBackend';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const user = mockCredentials.user.header('user:default/guest');
const MINUTE = 60_000;
const t0 = Date.parse('2026-11-20T10:00:00Z');
const at = (minutes: number) => new Date(t0 + minutes * MINUTE).toISOString();

describe.each(databases.eachSupportedId())(
  'the timeline of changes on %s',
  databaseId => {
    async function start() {
      const knex = await databases.init(databaseId);
      const backend = await startExampleBackend({ knex });
      const store = await DatabaseDeploymentStore.create({
        database: { getClient: async () => knex },
      });
      const changes = (query: Record<string, string | number> = {}) =>
        request(backend.server)
          .get('/api/gitops/entities/default/component/cart/changes')
          .query(query)
          .set('Authorization', user);
      return { ...backend, store, changes };
    }

    let n = 0;
    const event = (
      minutes: number,
      type: AppEvent['type'],
      options: { revision?: string; from?: string; to?: string } = {},
    ): AppEvent => ({
      instance: 'local',
      namespace: 'argocd',
      app: 'cart-dev',
      type,
      at: at(minutes),
      ...(options.revision ? { revision: options.revision } : {}),
      summary: `${type} ${options.to ?? ''}`,
      ...(options.to ? { state: { from: options.from, to: options.to } } : {}),
      dedupeKey: `cart-dev:${type}:${minutes}:${n++}`,
    });
    /** What Argo CD reports while it rolls out `revision`. */
    const rollout = (minutes: number, revision: string) => [
      event(minutes, 'sync-status', { revision, to: 'OutOfSync' }),
      event(minutes + 0.1, 'operation-started', { revision, to: 'Running' }),
      event(minutes + 0.2, 'health', { from: 'Healthy', to: 'Progressing' }),
      event(minutes + 0.3, 'operation', { revision, to: 'Succeeded' }),
      event(minutes + 0.3, 'deployed', { revision }),
      event(minutes + 0.4, 'sync-status', { revision, to: 'Synced' }),
      event(minutes + 0.5, 'health', { from: 'Progressing', to: 'Healthy' }),
    ];

    async function seed(store: DatabaseDeploymentStore) {
      const deploy = (minutes: number, version: string, commitSha: string) => ({
        id: randomUUID(),
        entityRef: 'component:default/cart',
        environment: 'dev',
        action: 'deploy' as const,
        actor: 'user:default/guest',
        toVersion: version,
        status: 'healthy' as const,
        commitSha,
        argocd: { instance: 'local', name: 'cart-dev' },
        createdAt: at(minutes),
        steps: [
          { name: 'requested', at: at(minutes) },
          { name: 'healthy', at: at(minutes + 1) },
        ],
      });
      const records = [
        deploy(0, '1.13.0', 'aaaa111'),
        deploy(60, '1.14.0', 'bbbb222'),
      ];
      await store.insertMany(records);
      await store.snapshots().appendEvents([
        ...rollout(0.05, 'aaaa111'),
        // Auto-sync applied a commit made elsewhere.
        ...rollout(30, 'eeee999'),
        ...rollout(60.05, 'bbbb222'),
        event(90, 'health', { from: 'Healthy', to: 'Degraded' }),
        event(95, 'health', { from: 'Degraded', to: 'Progressing' }),
        event(102, 'health', { from: 'Progressing', to: 'Healthy' }),
      ]);
      return records;
    }

    it('shows one entry per change, each with its Argo CD events in order', async () => {
      const { store, changes } = await start();
      const [first, second] = await seed(store);
      const res = await changes().expect(200);
      expect(
        res.body.changes.map((c: any) => [c.kind, c.outcome, c.events.length]),
      ).toEqual([
        ['incident', 'restored', 3],
        ['deployment', 'healthy', 7],
        ['sync', 'healthy', 7],
        ['deployment', 'healthy', 7],
      ]);
      expect(res.body.nextBefore).toBeUndefined();
      const [incident, deployment, sync] = res.body.changes;
      expect(incident).toMatchObject({
        at: at(90),
        endedAt: at(102),
        durationSeconds: 720,
        summary: 'Degraded, then Healthy again',
      });
      expect(deployment).toMatchObject({
        id: `deployment:${second.id}`,
        summary: 'Deploy 1.14.0',
        deploymentId: second.id,
        revision: 'bbbb222',
        status: 'healthy',
        action: 'deploy',
      });
      expect(deployment.events.map((e: any) => e.kind)).toEqual([
        'sync-status',
        'operation-started',
        'health',
        'operation',
        'deployed',
        'sync-status',
        'health',
      ]);
      expect(deployment.events[3].state).toEqual({ to: 'Succeeded' });
      expect(sync).toMatchObject({ revision: 'eeee999', at: at(30) });
      expect(res.body.changes[3].id).toBe(`deployment:${first.id}`);
    });

    it('pages by change and filters by kind, keeping a change whole across a page edge', async () => {
      const { store, changes } = await start();
      await seed(store);
      const first = await changes({ limit: 2 }).expect(200);
      expect(first.body.changes.map((c: any) => c.kind)).toEqual([
        'incident',
        'deployment',
      ]);
      expect(first.body.nextBefore).toBe(at(60));
      const second = await changes({
        limit: 2,
        before: first.body.nextBefore,
      }).expect(200);
      expect(
        second.body.changes.map((c: any) => [c.kind, c.events.length]),
      ).toEqual([
        ['sync', 7],
        ['deployment', 7],
      ]);
      expect(second.body.nextBefore).toBeUndefined();

      const outside = await changes({ kinds: 'sync,incident' }).expect(200);
      expect(outside.body.changes.map((c: any) => c.kind)).toEqual([
        'incident',
        'sync',
      ]);
      const bad = await changes({ kinds: 'deployment,party' }).expect(400);
      expect(bad.body.error.message).toContain('party');
    });
  },
);
