import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Entity } from '@backstage/catalog-model';

/** N kustomize services, svc-0 … svc-(N-1), with a dev overlay each at 1.0.0. */
export function syntheticServices(count: number): {
  seedDir: string;
  entities: Entity[];
} {
  const seedDir = mkdtempSync(join(tmpdir(), 'shipdeck-synthetic-'));
  const entities: Entity[] = [];
  for (let i = 0; i < count; i++) {
    const name = `svc-${i}`;
    for (const env of ['dev', 'staging', 'production']) {
      const dir = join(seedDir, name, 'overlays', env);
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        join(dir, 'kustomization.yaml'),
        `# ${name} in ${env}\nresources:\n  - ../../base\nimages:\n  - name: registry.example/${name}\n    newTag: "1.0.0"\n`,
      );
    }
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name,
        namespace: 'default',
        annotations: { 'shipdeck.io/image': `registry.example/${name}` },
      },
      spec: {
        type: 'service',
        owner: 'group:default/team',
        system: 'synthetic',
      },
    });
  }
  return { seedDir, entities };
}
