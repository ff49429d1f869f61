import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { TargetResolver } from './TargetResolver';
import { readEnvironments } from './environmentsConfig';

const config = (gitops: object) => new ConfigReader({ gitops });

const baseConfig = {
  environments: [
    { name: 'dev' },
    { name: 'staging' },
    { name: 'production', pullRequest: true, protected: true },
  ],
  manifests: {
    repo: 'github.com/acme/deploy',
    path: '{service}/overlays/{env}',
  },
  argocd: {
    instances: [
      { name: 'main', url: 'https://argocd.acme.example/' },
      { name: 'prod', url: 'https://argocd-prod.acme.example' },
    ],
  },
};

function entity(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'cart', namespace: 'default', annotations },
    spec: {},
  };
}

describe('readEnvironments', () => {
  it('orders environments and defaults promotion to the previous one', () => {
    const envs = readEnvironments(config(baseConfig));
    expect(
      envs.map(e => [e.name, e.order, e.promotesFrom, e.argocdInstance]),
    ).toEqual([
      ['dev', 0, undefined, 'main'],
      ['staging', 1, 'dev', 'main'],
      ['production', 2, 'staging', 'main'],
    ]);
    expect(envs[2]).toMatchObject({
      pullRequest: true,
      protected: true,
      title: 'production',
    });
  });

  it('rejects duplicates, bad names and unknown promotion sources', () => {
    expect(() =>
      readEnvironments(
        config({ environments: [{ name: 'dev' }, { name: 'dev' }] }),
      ),
    ).toThrow("lists 'dev' twice");
    expect(() =>
      readEnvironments(config({ environments: [{ name: 'Dev Env' }] })),
    ).toThrow('must be lower-case');
    expect(() =>
      readEnvironments(
        config({ environments: [{ name: 'prod', promotesFrom: 'qa' }] }),
      ),
    ).toThrow("unknown environment 'qa'");
    expect(() =>
      readEnvironments(
        config({ environments: [{ name: 'production', pathName: '../prd' }] }),
      ),
    ).toThrow("pathName '../prd' must be one path segment");
  });

  it('spells an environment in paths by its pathName, its name by default', () => {
    const envs = readEnvironments(
      config({
        environments: [
          { name: 'dev' },
          { name: 'production', pathName: 'prd' },
        ],
      }),
    );
    expect(envs.map(e => [e.name, e.pathName])).toEqual([
      ['dev', 'dev'],
      ['production', 'prd'],
    ]);
  });
});

describe('TargetResolver', () => {
  it('links the Argo CD Application in the namespace argocd/app-namespace names', () => {
    const resolver = TargetResolver.fromConfig(config(baseConfig));
    const [dev] = resolver.resolve(
      entity({
        'argocd/app-name': 'cart',
        'argocd/app-namespace': 'team-shop',
      }),
    );
    expect(dev.argocd).toEqual({
      instance: 'main',
      name: 'cart-dev',
      namespace: 'team-shop',
      url: 'https://argocd.acme.example/applications/team-shop/cart-dev',
    });
  });

  it('applies organisation defaults and renders one target per environment', () => {
    const resolver = TargetResolver.fromConfig(config(baseConfig));
    const targets = resolver.resolve(entity({ 'argocd/app-name': 'cart' }));
    expect(targets.map(t => t.manifest.path)).toEqual([
      'cart/overlays/dev',
      'cart/overlays/staging',
      'cart/overlays/production',
    ]);
    expect(targets[0].manifest).toEqual({
      repo: 'github.com/acme/deploy',
      branch: 'main',
      path: 'cart/overlays/dev',
      strategy: 'kustomize-images',
    });
    expect(targets[2].argocd).toEqual({
      instance: 'main',
      name: 'cart-production',
      url: 'https://argocd.acme.example/applications/cart-production',
      namespace: undefined,
      project: undefined,
    });
  });

  it('lets annotations override layout, strategy, instance and environments', () => {
    const resolver = TargetResolver.fromConfig(config(baseConfig));
    const targets = resolver.resolve(
      entity({
        'shipdeck.io/manifest-repo': 'github.com/acme/notifier',
        'shipdeck.io/manifest-path': 'charts/{service}/values-{env}.yaml',
        'shipdeck.io/write-strategy': 'helm-values',
        'shipdeck.io/write-key': 'image.tag',
        'shipdeck.io/environments': 'staging, production',
        'argocd/instance-name': 'prod',
        'argocd/app-namespace': 'team-a',
        'argocd/project-name': 'shop',
      }),
    );
    expect(targets.map(t => t.environment.name)).toEqual([
      'staging',
      'production',
    ]);
    expect(targets[1]).toMatchObject({
      manifest: {
        repo: 'github.com/acme/notifier',
        path: 'charts/cart/values-production.yaml',
        strategy: 'helm-values',
        key: 'image.tag',
      },
      argocd: { instance: 'prod', namespace: 'team-a', project: 'shop' },
    });
  });

  it('fills {env} in paths and images with the pathName, and app names with the name', () => {
    const resolver = TargetResolver.fromConfig(
      config({
        ...baseConfig,
        environments: [
          { name: 'dev' },
          { name: 'production', pathName: 'prod', pullRequest: true },
        ],
        manifests: { repo: 'github.com/acme/deploy', path: '{env}/{service}' },
      }),
    );
    const targets = resolver.resolve(
      entity({
        'shipdeck.io/image': 'registry.acme.example/shop/{service}-{env}',
        'shipdeck.io/manifest-path': 'overlays/{env}/{service}.yaml',
        'shipdeck.io/write-strategy': 'raw-image',
      }),
    );
    expect(
      targets.map(t => [
        t.environment.name,
        t.manifest.path,
        t.manifest.image,
        t.argocd.name,
      ]),
    ).toEqual([
      [
        'dev',
        'overlays/dev/cart.yaml',
        'registry.acme.example/shop/cart-dev',
        'cart-dev',
      ],
      [
        'production',
        'overlays/prod/cart.yaml',
        'registry.acme.example/shop/cart-prod',
        'cart-production',
      ],
    ]);
    // The config default path uses the pathName too.
    expect(
      resolver.resolve(entity({ 'argocd/app-name': 'cart' }))[1].manifest.path,
    ).toBe('prod/cart');
    expect(() =>
      resolver.resolve(entity({ 'shipdeck.io/image': 'acme/{team}-{env}' })),
    ).toThrow(
      "Image template 'acme/{team}-{env}' has unknown placeholder {team}",
    );
  });

  it('explains bad annotations', () => {
    const resolver = TargetResolver.fromConfig(config(baseConfig));
    expect(() =>
      resolver.resolve(entity({ 'shipdeck.io/write-strategy': 'sed' })),
    ).toThrow(
      "is 'sed'; expected one of kustomize-images, helm-values, raw-image",
    );
    expect(() =>
      resolver.resolve(entity({ 'shipdeck.io/environments': 'dev,qa' })),
    ).toThrow('unknown environment(s) qa');
    expect(() =>
      resolver.resolve(
        entity({ 'shipdeck.io/manifest-path': '../other/{env}' }),
      ),
    ).toThrow('escapes the repository');
  });

  it('needs a manifest repository and at least one annotation to manage an entity', () => {
    const withRepo = TargetResolver.fromConfig(config(baseConfig));
    expect(withRepo.isManaged(entity({}))).toBe(false);
    expect(withRepo.isManaged(entity({ 'argocd/app-name': 'cart' }))).toBe(
      true,
    );
    const withoutRepo = TargetResolver.fromConfig(
      config({ ...baseConfig, manifests: { path: '{env}/{service}' } }),
    );
    expect(withoutRepo.isManaged(entity({ 'argocd/app-name': 'cart' }))).toBe(
      false,
    );
    expect(() =>
      withoutRepo.resolve(entity({ 'argocd/app-name': 'cart' })),
    ).toThrow('has no manifest repository');
  });

  it('rejects an unknown default strategy at start-up', () => {
    expect(() =>
      TargetResolver.fromConfig(
        config({ ...baseConfig, manifests: { strategy: 'sed' } }),
      ),
    ).toThrow("gitops.manifests.strategy 'sed'");
  });
});
