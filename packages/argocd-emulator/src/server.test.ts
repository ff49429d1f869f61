import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import request from 'supertest';
import { createEmulatorApp } from './server';

const examples = resolve(__dirname, '../../../examples/manifests');
const swaggerPath = resolve(
  __dirname,
  '../../../../shared/reference/argocd-v3.5.1-swagger.json',
);

function demoRepo() {
  const dir = mkdtempSync(join(tmpdir(), 'argocd-emulator-'));
  cpSync(examples, dir, { recursive: true });
  const git = (...args: string[]) =>
    execFileSync('git', [
      '-C',
      dir,
      '-c',
      'user.name=t',
      '-c',
      'user.email=t@t',
      ...args,
    ]);
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', 'seed');
  return { dir, sha: git('rev-parse', 'HEAD').toString().trim() };
}

describe('argocd emulator', () => {
  const { dir, sha } = demoRepo();
  const app = createEmulatorApp({
    repoDir: dir,
    revision: 'main',
    token: 't0ken',
  });
  const auth = { Authorization: 'Bearer t0ken' };

  it('lists the Applications declared in the repository, sorted by name', async () => {
    const res = await request(app)
      .get('/api/v1/applications')
      .set(auth)
      .expect(200);
    const names = res.body.items.map((a: any) => a.metadata.name);
    expect(names).toHaveLength(18);
    expect(names).toEqual([...names].sort());
    expect(names).toContain('payments-production');
    const cart = res.body.items.find(
      (a: any) => a.metadata.name === 'cart-dev',
    );
    expect(cart.spec.source).toEqual({
      repoURL: 'local:demo',
      targetRevision: 'main',
      path: 'cart/overlays/dev',
    });
    expect(cart.status.sync.revision).toBe(sha);
  });

  it('answers like Argo CD for a missing app or a missing token', async () => {
    const missing = await request(app)
      .get('/api/v1/applications/nope')
      .set(auth)
      .expect(404);
    expect(missing.body).toMatchObject({
      code: 5,
      message: 'applications.argoproj.io "nope" not found',
    });
    const anonymous = await request(app)
      .get('/api/v1/applications')
      .expect(401);
    expect(anonymous.body).toMatchObject({ code: 16 });
  });

  const describeIfReference = existsSync(swaggerPath)
    ? describe
    : describe.skip;
  if (!existsSync(swaggerPath)) {
    // eslint-disable-next-line no-console
    console.info(
      `Argo CD API description not found at ${swaggerPath}; skipping the cross-check`,
    );
  }
  describeIfReference('against the Argo CD v3.5.1 API description', () => {
    const swagger = existsSync(swaggerPath)
      ? JSON.parse(readFileSync(swaggerPath, 'utf8'))
      : {};
    const props = (name: string) =>
      Object.keys(swagger.definitions[name].properties);

    it('uses only fields the description declares', async () => {
      const res = await request(app)
        .get('/api/v1/applications/orders-staging')
        .set(auth)
        .expect(200);
      const body = res.body;
      for (const key of Object.keys(body))
        expect(props('v1alpha1Application')).toContain(key);
      for (const key of Object.keys(body.metadata))
        expect(props('v1ObjectMeta')).toContain(key);
      for (const key of Object.keys(body.spec))
        expect(props('v1alpha1ApplicationSpec')).toContain(key);
      for (const key of Object.keys(body.status))
        expect(props('v1alpha1ApplicationStatus')).toContain(key);
      for (const key of Object.keys(body.status.sync))
        expect(props('v1alpha1SyncStatus')).toContain(key);
      const list = await request(app)
        .get('/api/v1/applications')
        .set(auth)
        .expect(200);
      for (const key of Object.keys(list.body))
        expect(props('v1alpha1ApplicationList')).toContain(key);
    });
  });
});
