import { ManifestLocation } from '@shipdeck/plugin-gitops-common';
import { manifestFiles, selectManifestFiles } from './manifestFile';

const location = (
  path: string,
  strategy: ManifestLocation['strategy'] = 'raw-image',
): ManifestLocation => ({ repo: 'local:demo', branch: 'main', path, strategy });

const listed = [
  'prod/manifests/order/order-prod-cronjob.yaml',
  'prod/manifests/order/order-prod-deployment.yml',
  'prod/manifests/order/README.md',
  'prod/manifests/order/old/order-prod-deployment.yaml',
  'prod/manifests/order/order-canary-deployment.yaml',
];
const where = 'local:demo@main';

describe('manifestFiles', () => {
  it('names one file for a .yaml path, and a kustomize overlay folder by its kustomization', () => {
    expect(manifestFiles(location('prod/order.yaml'))).toEqual({
      kind: 'file',
      path: 'prod/order.yaml',
    });
    expect(
      manifestFiles(location('order/overlays/prod', 'kustomize-images')),
    ).toEqual({ kind: 'file', path: 'order/overlays/prod/kustomization.yaml' });
  });

  it('takes the YAML files directly in a raw-image folder, not its subfolders', () => {
    const files = manifestFiles(location('prod/manifests/order'));
    expect(files).toMatchObject({
      kind: 'folder',
      base: 'prod/manifests/order',
    });
    expect(selectManifestFiles(files, listed, where)).toEqual([
      'prod/manifests/order/order-canary-deployment.yaml',
      'prod/manifests/order/order-prod-cronjob.yaml',
      'prod/manifests/order/order-prod-deployment.yml',
    ]);
  });

  it.each([
    [
      'prod/manifests/order/order-prod-*.yaml',
      ['prod/manifests/order/order-prod-cronjob.yaml'],
    ],
    [
      'prod/manifests/order/order-prod-*.y*ml',
      [
        'prod/manifests/order/order-prod-cronjob.yaml',
        'prod/manifests/order/order-prod-deployment.yml',
      ],
    ],
    [
      'prod/*/order/**/*-deployment.yaml',
      [
        'prod/manifests/order/old/order-prod-deployment.yaml',
        'prod/manifests/order/order-canary-deployment.yaml',
      ],
    ],
    [
      'prod/manifests/order/order-?rod-cronjob.yaml',
      ['prod/manifests/order/order-prod-cronjob.yaml'],
    ],
  ])('matches the glob %s within path segments', (glob, expected) => {
    expect(
      selectManifestFiles(manifestFiles(location(glob)), listed, where),
    ).toEqual(expected);
  });

  it('lists a glob from its fixed folder', () => {
    expect(
      manifestFiles(location('prod/*/order/order-prod-*.yaml')),
    ).toMatchObject({ kind: 'glob', base: 'prod' });
  });

  it('refuses a glob or a folder for strategies that edit one file', () => {
    expect(() =>
      manifestFiles(location('charts/order/values-*.yaml', 'helm-values')),
    ).toThrow(
      "The helm-values strategy edits one file, but local:demo path 'charts/order/values-*.yaml' is a glob; only raw-image edits several files",
    );
    expect(() =>
      manifestFiles(location('charts/order', 'helm-values')),
    ).toThrow("path 'charts/order' is not a .yaml file");
  });

  it('names the path when a glob matches nothing, or a folder is missing or has no YAML', () => {
    expect(() =>
      selectManifestFiles(
        manifestFiles(location('prod/manifests/order/order-dev-*.yaml')),
        listed,
        where,
      ),
    ).toThrow(
      "No file matches 'prod/manifests/order/order-dev-*.yaml' in local:demo@main",
    );
    expect(() =>
      selectManifestFiles(
        manifestFiles(location('prod/manifests/cart')),
        [],
        where,
      ),
    ).toThrow("Folder 'prod/manifests/cart' does not exist in local:demo@main");
    expect(() =>
      selectManifestFiles(
        manifestFiles(location('prod/manifests')),
        listed,
        where,
      ),
    ).toThrow("Folder 'prod/manifests' has no .yaml files in local:demo@main");
  });
});
