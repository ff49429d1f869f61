import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environmentOfPath, readWorkspaceFiles } from './workspaceFiles';

const envs = [{ name: 'dev' }, { name: 'staging' }, { name: 'production' }];

describe('environmentOfPath', () => {
  it.each([
    ['quotes/overlays/production/kustomization.yaml', 'production'],
    ['quotes/overlays/dev/patch.yaml', 'dev'],
    ['argocd/staging/quotes.yaml', 'staging'],
    ['production/quotes/deployment.yaml', 'production'],
    ['charts/quotes/values-production.yaml', 'production'],
    ['quotes/values_staging.yml', 'staging'],
    ['quotes/base/deployment.yaml', undefined],
    ['quotes/catalog-info.yaml', undefined],
    ['charts/quotes/values.yaml', undefined],
    // A service named like an environment: the innermost match wins.
    ['dev/overlays/production/kustomization.yaml', 'production'],
    ['developer/base/x.yaml', undefined],
  ])('%s → %s', (path, expected) => {
    expect(environmentOfPath(path, envs)).toBe(expected);
  });

  it('reads environments spelled by their pathName', () => {
    const spelled = [{ name: 'dev' }, { name: 'production', pathName: 'prod' }];
    expect(environmentOfPath('prod/quotes/deployment.yaml', spelled)).toBe(
      'production',
    );
    expect(environmentOfPath('quotes/values-prod.yaml', spelled)).toBe(
      'production',
    );
    expect(
      environmentOfPath('quotes/overlays/production/k.yaml', spelled),
    ).toBeUndefined();
  });
});

describe('readWorkspaceFiles', () => {
  it('lists plain files with repository paths, and refuses links', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shipdeck-ws-'));
    mkdirSync(join(dir, 'quotes/base'), { recursive: true });
    writeFileSync(join(dir, 'quotes/base/a.yaml'), 'a: 1\n');
    writeFileSync(join(dir, 'quotes/catalog-info.yaml'), 'kind: Component\n');
    expect(await readWorkspaceFiles(dir)).toEqual([
      { path: 'quotes/base/a.yaml', content: 'a: 1\n' },
      { path: 'quotes/catalog-info.yaml', content: 'kind: Component\n' },
    ]);
    symlinkSync('/etc/passwd', join(dir, 'quotes/base/passwd'));
    await expect(readWorkspaceFiles(dir)).rejects.toThrow(
      'sourcePath: quotes/base/passwd is a link',
    );
  });
});
