import { resolve } from 'node:path';
import { createEmulatorApp } from './server';

// Run by `./shipdeck start`; reads the demo's local manifest repository.
const port = Number(process.env.ARGOCD_EMULATOR_PORT ?? 7010);
const repoDir = resolve(process.env.ARGOCD_EMULATOR_REPO ?? 'data/manifests');
const token = process.env.ARGOCD_TOKEN ?? 'shipdeck-demo-token';

createEmulatorApp({ repoDir, revision: 'main', token }).listen(
  port,
  '127.0.0.1',
  () => {
    process.stdout.write(
      `Argo CD emulator on http://localhost:${port}, watching ${repoDir}\n`,
    );
  },
);
