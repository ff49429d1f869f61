import { randomUUID } from 'node:crypto';
import { mockCredentials } from '@backstage/backend-test-utils';
import { OverviewResponse } from '@shipdeck/plugin-gitops-common';
import request from 'supertest';
import { DatabaseDeploymentStore } from '../database/DatabaseDeploymentStore';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { startExampleBackend } from '../__testUtils__/exampleBackend';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const user = mockCredentials.user.header('user:default/guest');

describe.each(databases.eachSupportedId())(
  'overview pages on %s',
  databaseId => {
    async function start() {
      const knex = await databases.init(databaseId);
      const backend = await startExampleBackend({ knex });
      const store = await DatabaseDeploymentStore.create({
        database: { getClient: async () => knex },
      });
      const overview = (query: Record<string, string | number> = {}) =>
        request(backend.server)
          .get('/api/gitops/overview')
          .query(query)
          .set('Authorization', user);
      return { store, overview };
    }

    it('pages whole services, counts every matching row, and names every owner', async () => {
      const { store, overview } = await start();
      await store.insert({
        id: randomUUID(),
        entityRef: 'component:default/cart',
        environment: 'dev',
        action: 'deploy',
        actor: 'user:default/guest',
        fromVersion: '1.12.0',
        toVersion: '1.13.0',
        status: 'committed',
        createdAt: new Date().toISOString(),
        steps: [{ name: 'requested', at: new Date().toISOString() }],
      });

      const all: OverviewResponse = (
        await overview({ limit: 1000 }).expect(200)
      ).body;
      const services = [...new Set(all.rows.map(r => r.entityRef))];
      expect(services.length).toBeGreaterThan(4);
      expect(all.page).toEqual({
        offset: 0,
        limit: 1000,
        services: services.length,
      });
      expect(all.summary?.targets).toBe(all.rows.length);
      expect(all.facets?.owners).toEqual(
        expect.arrayContaining([
          'group:default/team-shop',
          'group:default/team-payments',
        ]),
      );

      // Two services a page: the pages, one after the other, are the whole answer.
      const pages: OverviewResponse[] = [];
      for (let offset = 0; offset < services.length; offset += 2) {
        pages.push((await overview({ limit: 2, offset }).expect(200)).body);
      }
      for (const page of pages) {
        expect(
          new Set(page.rows.map(r => r.entityRef)).size,
        ).toBeLessThanOrEqual(2);
        // The summary speaks for every page.
        expect(page.summary).toEqual(all.summary);
        expect(page.page?.services).toBe(services.length);
      }
      expect(pages.flatMap(p => p.rows)).toEqual(all.rows);

      // The cell shows who changed what; the steps stay on the entity page.
      const cartDev = all.rows.find(
        r =>
          r.entityRef === 'component:default/cart' && r.environment === 'dev',
      );
      expect(cartDev?.lastDeployment).toMatchObject({ toVersion: '1.13.0' });
      expect(cartDev?.lastDeployment).not.toHaveProperty('steps');
    });

    it('answers 400 naming a bad page, and pages past the end are empty', async () => {
      const { overview } = await start();
      const badPages: Array<Record<string, string | number>> = [
        { limit: 0 },
        { limit: 1001 },
        { offset: -1 },
        { limit: 'x' },
      ];
      for (const query of badPages) {
        const res = await overview(query).expect(400);
        expect(res.body.error.message).toMatch(/limit|offset/);
      }
      const past = (await overview({ offset: 500 }).expect(200)).body;
      expect(past.rows).toEqual([]);
      expect(past.summary.targets).toBeGreaterThan(0);
    });
  },
);
