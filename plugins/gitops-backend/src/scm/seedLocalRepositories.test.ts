import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { seedLocalRepositories } from './seedLocalRepositories';

describe('seedLocalRepositories', () => {
  it('creates a bare repository from the seed folder once, and leaves it alone afterwards', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shipdeck-seed-'));
    const seed = join(dir, 'seed');
    mkdirSync(join(seed, 'cart/overlays/dev'), { recursive: true });
    writeFileSync(
      join(seed, 'cart/overlays/dev/kustomization.yaml'),
      'images: []\n',
    );
    writeFileSync(join(seed, 'README.md'), '# demo\n');
    const config = mockServices.rootConfig({
      data: {
        gitops: {
          manifests: {
            local: [{ name: 'demo', path: join(dir, 'repo'), seedFrom: seed }],
          },
        },
      },
    });
    const logger = mockServices.logger.mock();
    const git = (...args: string[]) =>
      execFileSync('git', ['--git-dir', join(dir, 'repo'), ...args], {
        encoding: 'utf8',
      }).trim();

    await seedLocalRepositories({ config, logger });
    expect(git('rev-parse', '--is-bare-repository')).toBe('true');
    expect(git('ls-tree', '-r', '--name-only', 'main').split('\n')).toEqual([
      'README.md',
      'cart/overlays/dev/kustomization.yaml',
    ]);
    expect(git('show', 'main:cart/overlays/dev/kustomization.yaml')).toBe(
      'images: []',
    );
    expect(git('log', '--format=%s', 'main')).toBe('Seed the demo manifests');

    writeFileSync(join(seed, 'new.yaml'), 'x: 1\n');
    await seedLocalRepositories({ config, logger });
    expect(git('rev-list', '--count', 'main')).toBe('1');
  });
});
