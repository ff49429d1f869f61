import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { seedLocalRepositories } from './seedLocalRepositories';

describe('seedLocalRepositories', () => {
  it('creates a repository from the seed folder once, and leaves it alone afterwards', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shipdeck-seed-'));
    const seed = join(dir, 'seed');
    mkdirSync(join(seed, 'cart/overlays/dev'), { recursive: true });
    writeFileSync(
      join(seed, 'cart/overlays/dev/kustomization.yaml'),
      'images: []\n',
    );
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
      execFileSync('git', ['-C', join(dir, 'repo'), ...args], {
        encoding: 'utf8',
      }).trim();

    await seedLocalRepositories({ config, logger });
    expect(git('rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
    expect(git('ls-files')).toBe('cart/overlays/dev/kustomization.yaml');
    expect(git('log', '--format=%s')).toBe('Seed the demo manifests');

    writeFileSync(join(seed, 'new.yaml'), 'x: 1\n');
    await seedLocalRepositories({ config, logger });
    expect(git('rev-list', '--count', 'HEAD')).toBe('1');
    expect(git('ls-files')).not.toContain('new.yaml');
  });
});
