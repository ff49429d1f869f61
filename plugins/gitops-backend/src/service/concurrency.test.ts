import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { startExampleBackend } from '../__testUtils__/exampleBackend';
import { syntheticServices } from '../__testUtils__/syntheticServices';

jest.setTimeout(180_000);

const databases = createTestDatabases();
const user = mockCredentials.user.header('user:default/guest');

describe.each(databases.eachSupportedId())(
  'concurrent deployments on %s',
  databaseId => {
    it('lands all 50 deployments of different services fired at one branch at once', async () => {
      const { seedDir, entities } = syntheticServices(50);
      const { server, git } = await startExampleBackend({
        knex: await databases.init(databaseId),
        entities,
        seedFrom: seedDir,
      });
      const responses = await Promise.all(
        entities.map((e, i) =>
          request(server)
            .post(
              `/api/gitops/entities/default/component/${e.metadata.name}/deployments`,
            )
            .set('Authorization', user)
            .send({ environment: 'dev', version: `2.0.${i}` }),
        ),
      );
      expect(responses.map(r => r.status)).toEqual(entities.map(() => 202));
      expect(git('rev-list', '--count', 'main')).toBe('51');
      for (let i = 0; i < 50; i++) {
        expect(
          git('show', `main:svc-${i}/overlays/dev/kustomization.yaml`),
        ).toContain(`newTag: "2.0.${i}"`);
      }
      const shas = new Set(responses.map(r => r.body.commitSha));
      expect(shas.size).toBe(50);
    });

    it('gives each of 20 concurrent deployments of one service a definite answer', async () => {
      const { seedDir, entities } = syntheticServices(1);
      const { server, git } = await startExampleBackend({
        knex: await databases.init(databaseId),
        entities,
        seedFrom: seedDir,
      });
      const versions = Array.from({ length: 20 }, (_, i) => `3.0.${i % 10}`);
      const responses = await Promise.all(
        versions.map(version =>
          request(server)
            .post('/api/gitops/entities/default/component/svc-0/deployments')
            .set('Authorization', user)
            .send({ environment: 'dev', version }),
        ),
      );
      // Each answer is definite: 202 with a record of its own version, or 200
      // saying that version was already there.
      const answers = responses.map((res, i) =>
        res.status === 202
          ? `202 ${res.body.deployments[0].toVersion === versions[i]}`
          : `${res.status} ${String(res.body.message).includes(
              `already runs ${versions[i]}`,
            )}`,
      );
      expect(answers.every(a => a === '202 true' || a === '200 true')).toBe(
        true,
      );
      const commits = Number(git('rev-list', '--count', 'main')) - 1;
      expect(commits).toBe(responses.filter(r => r.status === 202).length);
      // The branch ends at the version of the last commit, and history has no lost writes.
      const last = responses
        .filter(r => r.status === 202)
        .find(r => r.body.commitSha === git('rev-parse', 'main'));
      expect(
        git('show', 'main:svc-0/overlays/dev/kustomization.yaml'),
      ).toContain(`newTag: "${last!.body.deployments[0].toVersion}"`);
    });
  },
);
