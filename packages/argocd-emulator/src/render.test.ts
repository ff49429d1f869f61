import { renderHelmChart } from './helm';
import { kustomizeReferences, Renderer } from './render';
import { GitRepo } from './repo';
import { EXAMPLES } from './__testUtils__/harness';
import { commitFiles, seedManifestRepo } from './testRepo';

jest.setTimeout(60_000);

describe('rendering sources at a commit', () => {
  let repo: GitRepo;
  let sha: string;
  let renderer: Renderer;
  beforeAll(async () => {
    const seeded = await seedManifestRepo({ from: EXAMPLES });
    repo = new GitRepo(seeded.dir);
    sha = seeded.sha;
    renderer = new Renderer(repo);
  });

  it('builds kustomize overlays with kubectl kustomize', async () => {
    const result = await renderer.render({
      sha,
      source: { path: 'orders/overlays/dev' },
      appName: 'orders-dev',
      namespace: 'shop-dev',
    });
    expect(result.sourceType).toBe('Kustomize');
    expect(
      result.resources.map(r => [r.kind, r.name, r.namespace, r.hookTypes]),
    ).toEqual([
      ['Service', 'orders', 'shop-dev', []],
      ['Deployment', 'orders', 'shop-dev', []],
      ['Job', 'orders-db-migrate', 'shop-dev', ['PreSync']],
    ]);
    const deployment = result.resources.find(r => r.kind === 'Deployment')!;
    expect(deployment.images).toEqual([
      'registry.shop.example/shop/orders:3.2.0',
    ]);
    expect(
      deployment.manifest.metadata.labels['shop.example/environment'],
    ).toBe('dev');
  });

  it('renders the Helm chart with the value file (no helm binary)', async () => {
    const result = await renderer.render({
      sha,
      source: {
        path: 'charts/notifier',
        helm: { valueFiles: ['values-production.yaml'] },
      },
      appName: 'notifier-production',
      namespace: 'shop-production',
    });
    expect(result.sourceType).toBe('Helm');
    expect(result.resources).toHaveLength(1);
    const [deployment] = result.resources;
    expect(deployment).toMatchObject({
      kind: 'Deployment',
      name: 'notifier-production',
      namespace: 'shop-production',
    });
    expect(deployment.images).toEqual([
      'registry.shop.example/shop/notifier:0.9.2',
    ]);
    expect(deployment.manifest.spec.replicas).toBe(3);
    const container = deployment.manifest.spec.template.spec.containers[0];
    expect(container.env).toEqual([
      { name: 'SMTP_HOST', value: 'smtp.production.shop.example' },
      { name: 'SMTP_PORT', value: '587' },
    ]);
    expect(container.resources).toEqual({
      requests: { cpu: '50m', memory: '96Mi' },
      limits: { memory: '192Mi' },
    });
  });

  it('reads plain directories', async () => {
    const result = await renderer.render({
      sha,
      source: { path: 'staging/worker' },
      appName: 'worker-staging',
      namespace: 'shop-staging',
    });
    expect(result.sourceType).toBe('Directory');
    expect(
      result.resources.map(r => `${r.kind}/${r.name}:${r.images.join()}`),
    ).toEqual([
      'Deployment/worker:registry.shop.example/shop/worker:1.0.5',
      'CronJob/worker-cleanup:registry.shop.example/shop/worker:1.0.5',
    ]);
  });

  it('keys renders by what they read, so unrelated commits re-render nothing', async () => {
    const target = {
      source: { path: 'cart/overlays/dev' },
      appName: 'cart-dev',
      namespace: 'shop-dev',
    };
    const before = await renderer.render({ ...target, sha });
    const unrelated = await commitFiles(repo.gitDir, {
      'README.md': 'changed\n',
    });
    expect(await renderer.render({ ...target, sha: unrelated })).toBe(before);
    const base = await commitFiles(repo.gitDir, {
      'cart/base/service.yaml':
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: cart\nspec:\n  ports: [{port: 81}]\n',
    });
    const after = await renderer.render({ ...target, sha: base });
    expect(after.key).not.toBe(before.key);
    expect(
      after.resources.find(r => r.kind === 'Service')!.manifest.spec.ports,
    ).toEqual([{ port: 81 }]);
  });

  it('reports a missing path', async () => {
    await expect(
      renderer.render({
        sha,
        source: { path: 'nope' },
        appName: 'x',
        namespace: 'y',
      }),
    ).rejects.toThrow('nope: app path does not exist');
  });
});

describe('the Helm subset', () => {
  const files: Record<string, string> = {
    'Chart.yaml': 'name: app\nversion: 1.0.0\nappVersion: "2.0"\n',
    'values.yaml': 'image:\n  repository: r/app\n',
    'templates/deployment.yaml':
      '{{- if .Values.enabled }}\nkind: Deployment\n{{- end }}\n',
  };
  const render = (extra: Partial<Parameters<typeof renderHelmChart>[0]> = {}) =>
    renderHelmChart({
      releaseName: 'rel',
      namespace: 'ns',
      files: Object.keys(files),
      readFile: p => files[p],
      ...extra,
    });

  it('falls back to a Deployment of image.repository:image.tag when templates use more', () => {
    const result = render({
      parameters: [{ name: 'image.tag', value: '2.1' }],
    });
    expect(result.synthetic).toBe(true);
    expect(result.skippedTemplates).toEqual(['templates/deployment.yaml']);
    expect(result.manifests[0]).toMatchObject({
      kind: 'Deployment',
      metadata: { name: 'rel', namespace: 'ns' },
      spec: { template: { spec: { containers: [{ image: 'r/app:2.1' }] } } },
    });
    expect(render().manifests[0].spec.template.spec.containers[0].image).toBe(
      'r/app:2.0',
    );
  });

  it('fails on a missing value file unless told to ignore it', () => {
    expect(() => render({ valueFiles: ['values-x.yaml'] })).toThrow(
      'values-x.yaml',
    );
    expect(
      render({ valueFiles: ['values-x.yaml'], ignoreMissingValueFiles: true })
        .synthetic,
    ).toBe(true);
  });

  it('lists what a kustomization refers to', () => {
    expect(
      kustomizeReferences(
        'resources: [../../base, hpa.yaml, https://github.com/x/y]\npatches:\n  - path: p.yaml\nconfigMapGenerator:\n  - name: c\n    files: [k=cfg/a.txt]\n',
      ),
    ).toEqual([
      '../../base',
      'hpa.yaml',
      'https://github.com/x/y',
      'p.yaml',
      'cfg/a.txt',
    ]);
  });
});
