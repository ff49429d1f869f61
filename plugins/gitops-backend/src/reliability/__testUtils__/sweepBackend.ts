import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Entity } from '@backstage/catalog-model';
import { Knex } from 'knex';
import { HandDrivenScheduler } from '../../__testUtils__/handDrivenScheduler';
import {
  exampleEntities,
  examplesDir,
  startExampleBackend,
} from '../../__testUtils__/exampleBackend';
import { YAML_BOMB } from './badInputs';

/** The Argo CD token the sweep's backend is configured with; no answer may carry it. */
export const SWEEP_ARGO_TOKEN = 'argo-sweep-token-3c1f9d0e7b';

/** A demo service whose dev overlay in the manifest repository is a YAML bomb. */
const bombEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'bomb',
    namespace: 'default',
    annotations: {
      'shipdeck.io/image': 'registry.shop.example/shop/bomb',
      'argocd/app-name': 'bomb',
    },
  },
  spec: { type: 'service', owner: 'group:default/team-shop' },
};

/**
 * The demo backend for the bad-input sweep: the demo's manifests plus a
 * YAML bomb where a service's overlay should be, tasks only when the test
 * says (so nothing but the requests writes), and an Argo CD token whose
 * appearance in any answer would be a leak.
 */
export async function startSweepBackend(knex: Knex) {
  const seed = mkdtempSync(join(tmpdir(), 'shipdeck-sweep-'));
  cpSync(join(examplesDir, 'manifests'), seed, { recursive: true });
  mkdirSync(join(seed, 'bomb/overlays/dev'), { recursive: true });
  writeFileSync(join(seed, 'bomb/overlays/dev/kustomization.yaml'), YAML_BOMB);
  const tasks = new HandDrivenScheduler();
  const backend = await startExampleBackend({
    knex,
    seedFrom: seed,
    entities: [...exampleEntities(), bombEntity],
    features: [tasks.factory()],
    gitops: config => ({
      ...config,
      argocd: {
        instances: [
          { name: 'local', url: 'http://127.0.0.1:9', token: SWEEP_ARGO_TOKEN },
        ],
      },
    }),
  });
  return { ...backend, tasks };
}
