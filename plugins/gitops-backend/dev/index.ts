/*
 * Shipdeck's backend alone, for working on it: `yarn start` in
 * plugins/gitops-backend. Backstage's backend with only the gitops plugin,
 * the demo's catalog entities (examples/catalog) served by a catalog mock,
 * every request a signed-in user allowed everything, and the Argo CD
 * emulator (packages/argocd-emulator) in this process on the demo's local
 * manifest repository (data/manifests, seeded from examples/manifests on the
 * first start), which the root app-config.yaml points the plugin at.
 *
 *   curl localhost:7007/api/gitops/entities/component/default/orders/environments
 *
 * `rm -rf data` (at the repository root) starts from the examples again.
 */
import { resolve } from 'node:path';
import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createEmulator } from '@shipdeck/argocd-emulator';
import { exampleEntities } from '../src/__testUtils__/exampleBackend';

const root = resolve(__dirname, '../../..');

async function main() {
  // The URL and token of gitops.argocd.instances 'local' in app-config.yaml.
  const emulator = createEmulator({
    repoDir: resolve(root, 'data/manifests'),
    token: process.env.ARGOCD_TOKEN ?? 'shipdeck-demo-token',
    log: message => process.stderr.write(`[argocd] ${message}\n`),
  });
  const { url } = await emulator.start(
    Number(process.env.ARGOCD_EMULATOR_PORT ?? 7010),
    '127.0.0.1',
  );
  process.stdout.write(`Argo CD emulator on ${url}\n`);

  const backend = createBackend();
  backend.add(mockServices.auth.factory());
  backend.add(mockServices.httpAuth.factory());
  backend.add(mockServices.permissions.factory());
  backend.add(catalogServiceMock.factory({ entities: exampleEntities() }));
  backend.add(import('../src'));
  await backend.start();
}

main().catch(error => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
