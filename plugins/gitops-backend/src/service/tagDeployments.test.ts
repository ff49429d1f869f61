import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  exampleEntities,
  onRegistry,
  startExampleBackend,
  withAnnotations,
} from '../__testUtils__/exampleBackend';
import { startRegistry } from '../__testUtils__/registryStandIn';
import { createTestDatabases } from '../__testUtils__/testDatabases';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const user = mockCredentials.user.header('user:default/guest');
const COMMIT = 'c0ffee'.padEnd(40, '0');
const TAG = 'shop/dev/2026/11/28/0915-quotes-cart,orders';

/** The lines a commit changed, as `-old` / `+new` pairs without context. */
function changedLines(git: (...args: string[]) => string) {
  return git('show', '--format=', '--unified=0', 'main')
    .split('\n')
    .filter(l => /^[-+](?![-+])/.test(l));
}

describe.each(databases.eachSupportedId())(
  'deploy tags deploy the tagged build on %s',
  databaseId => {
    const post = (server: Parameters<typeof request>[0], body: object) =>
      request(server)
        .post('/api/gitops/tag-deployments')
        .set('Authorization', user)
        .send(body);

    it('deploys the commit CI names to every listed service, dev included, as one commit', async () => {
      const { server, git } = await startExampleBackend({
        knex: await databases.init(databaseId),
      });
      const res = await post(server, { tag: TAG, commit: COMMIT }).expect(202);
      expect(
        res.body.deployments
          .map((d: any) => `${d.entityRef}@${d.environment}=${d.toVersion}`)
          .sort(),
      ).toEqual([
        `component:default/cart@dev=${COMMIT}`,
        `component:default/orders@dev=${COMMIT}`,
      ]);
      expect(
        git('show', '--name-only', '--format=', 'main').split('\n').sort(),
      ).toEqual([
        'cart/overlays/dev/kustomization.yaml',
        'orders/overlays/dev/kustomization.yaml',
      ]);
      expect(changedLines(git)).toEqual([
        '-    newTag: "1.12.0"',
        `+    newTag: "${COMMIT}"`,
        '-    newTag: "3.2.0"',
        `+    newTag: "${COMMIT}"`,
      ]);
      expect(git('log', '-1', '--format=%s', 'main')).toContain(
        `from tag ${TAG} at c0ffee0`,
      );
    });

    it('resolves the tag in the services’ source repository when CI does not name the commit', async () => {
      const scratch = mkdtempSync(join(tmpdir(), 'shipdeck-tag-src-'));
      const seed = mkdtempSync(join(tmpdir(), 'shipdeck-tag-seed-'));
      writeFileSync(join(seed, 'README.md'), '# shop\n');
      const srcDir = join(scratch, 'shop-src.git');
      const { server, git } = await startExampleBackend({
        knex: await databases.init(databaseId),
        entities: withAnnotations(exampleEntities(), ['cart', 'orders'], {
          'shipdeck.io/source-repo': 'local:shop-src',
        }),
        extraLocal: [{ name: 'shop-src', path: srcDir, seedFrom: seed }],
        // Versions are the short SHA in this organisation.
        gitops: config => ({ ...config, sourceVersionTemplate: 'git-{sha7}' }),
      });
      const src = (...args: string[]) =>
        execFileSync('git', ['--git-dir', srcDir, ...args], {
          encoding: 'utf8',
        }).trim();
      const head = src('rev-parse', 'main');
      src('tag', TAG, head);

      const res = await post(server, { tag: TAG }).expect(202);
      expect(res.body.deployments.map((d: any) => d.toVersion)).toEqual([
        `git-${head.slice(0, 7)}`,
        `git-${head.slice(0, 7)}`,
      ]);

      // A tag the source repository does not have is refused, nothing written.
      const before = git('for-each-ref');
      const unknown = await post(server, {
        tag: 'shop/dev/2026/11/28/0916-other-cart',
      }).expect(400);
      expect(unknown.body.error.message).toBe(
        "Deploy tag 'shop/dev/2026/11/28/0916-other-cart' does not exist in local:shop-src, the source repository of component:default/cart",
      );
      expect(git('for-each-ref')).toBe(before);
    });

    it('refuses what it cannot turn into a build, writing nothing', async () => {
      const { server, git } = await startExampleBackend({
        knex: await databases.init(databaseId),
      });
      const before = git('for-each-ref');
      const cases: Array<[object, string]> = [
        [{ tag: TAG }, 'give the commit the tag points to (commit)'],
        [
          { tag: TAG, commit: 'c0ffee' },
          'commit: must be the full 40-character commit SHA',
        ],
        [
          { tag: TAG, commit: COMMIT.toUpperCase() },
          'commit: must be the full',
        ],
        [{ tag: TAG, commit: COMMIT, promote: true }, 'not both'],
        [
          { tag: 'shop/dev/2026/11/28/9915-x', commit: COMMIT },
          'is not a real date and time',
        ],
        [{ tag: 'shop/dev/2026/11/28', commit: COMMIT }, "'/'-separated parts"],
        // dev promotes from nothing, so promoting to it cannot work.
        [{ tag: TAG, promote: true }, 'dev promotes from nothing'],
      ];
      for (const [body, message] of cases) {
        const res = await post(server, body).expect(400);
        expect(res.body.error.message).toContain(message);
      }
      expect(git('for-each-ref')).toBe(before);
    });

    it('checks that each tagged image exists before writing when asked', async () => {
      const registry = await startRegistry({ 'shop/cart': [COMMIT] });
      try {
        const { entities, seed } = onRegistry(registry.host, [
          'cart',
          'orders',
        ]);
        const { server, git } = await startExampleBackend({
          knex: await databases.init(databaseId),
          entities,
          seedFrom: seed,
          gitops: config => ({
            ...config,
            registries: [{ host: registry.host, insecure: true }],
          }),
        });
        const before = git('for-each-ref');
        const res = await post(server, {
          tag: TAG,
          commit: COMMIT,
          verifyImages: true,
        }).expect(400);
        expect(res.body.error.message).toBe(
          `Not in the registry: ${registry.host}/shop/orders:${COMMIT}. Nothing was written; push the image first.`,
        );
        expect(git('for-each-ref')).toBe(before);

        // Only cart, whose build exists: written.
        await post(server, {
          tag: 'shop/dev/2026/11/28/0917-cart-only-cart',
          commit: COMMIT,
          verifyImages: true,
        }).expect(202);
        expect(changedLines(git)).toEqual([
          '-    newTag: "1.12.0"',
          `+    newTag: "${COMMIT}"`,
        ]);
      } finally {
        registry.close();
      }
    });
  },
);
