import { resolve } from 'node:path';
import { createEmulator } from './emulator';

// Run by `./shipdeck start`; reads the demo's local manifest repository. The
// backend creates that repository on its first start, so until it exists the
// emulator serves an empty list and keeps polling quietly.
const port = Number(process.env.ARGOCD_EMULATOR_PORT ?? 7010);
const repoDir = resolve(process.env.ARGOCD_EMULATOR_REPO ?? 'data/manifests');
const token = process.env.ARGOCD_TOKEN ?? 'shipdeck-demo-token';

// The demo's rollouts take a few seconds, as real ones with readiness probes
// do, so people can watch a deployment move through its steps.
const emulator = createEmulator({
  repoDir,
  token,
  timings: {
    hookMs: Number(process.env.ARGOCD_EMULATOR_HOOK_MS ?? 4000),
    progressingMs: Number(process.env.ARGOCD_EMULATOR_PROGRESSING_MS ?? 8000),
  },
  log: message => process.stderr.write(`${message}\n`),
});

let announced = false;
emulator.reconciler.onChange(() => {
  if (announced) return;
  announced = true;
  // Apps arrive in one burst: report once it is complete.
  setImmediate(() =>
    process.stdout.write(
      `Argo CD emulator: ${emulator.reconciler.apps.size} applications read from ${repoDir}\n`,
    ),
  );
});

emulator.start(port, '127.0.0.1').then(
  ({ url }) => {
    process.stdout.write(`Argo CD emulator on ${url}, watching ${repoDir}\n`);
  },
  error => {
    process.stderr.write(
      `Argo CD emulator could not listen on ${port}: ${error.message}\n`,
    );
    process.exit(1);
  },
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    void emulator.stop().then(() => process.exit(0));
  });
}
