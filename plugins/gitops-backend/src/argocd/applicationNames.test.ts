import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { TargetResolver } from '../targets/TargetResolver';
import { applicationRefsFromTemplate, isLocated } from './ApplicationLocator';
import { applicationNames } from './applicationNames';

function entity(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'cart', namespace: 'default', annotations },
    spec: {},
  };
}

describe('applicationNames', () => {
  const template = '{service}-{env}';
  const names = (appName: string | undefined, environmentCount: number) =>
    applicationNames({
      service: 'cart',
      appName,
      environment: 'dev',
      environmentCount,
      template,
    });

  it('renders the template with the entity name without argocd/app-name', () => {
    expect(names(undefined, 3)).toEqual(['cart-dev', undefined]);
  });

  it('takes argocd/app-name exactly with one environment, templated with several', () => {
    expect(names('shop', 1)).toEqual(['shop', 'shop-dev']);
    expect(names('shop', 3)).toEqual(['shop-dev', 'shop']);
  });

  it('renders an argocd/app-name with {env} as a template of its own', () => {
    expect(names('shop.{env}', 3)).toEqual(['shop.dev', undefined]);
  });

  it('gives TargetResolver and ApplicationLocator the same name', () => {
    const cases: Array<[string[], Record<string, string>]> = [
      [['dev'], {}],
      [['dev'], { 'argocd/app-name': 'shop' }],
      [['dev', 'production'], { 'argocd/app-name': 'shop' }],
      [['dev', 'production'], { 'argocd/app-name': 'shop-{env}-eu' }],
      [['dev', 'production'], { 'argocd/app-namespace': 'team-a' }],
    ];
    for (const [environments, annotations] of cases) {
      const config = new ConfigReader({
        gitops: {
          environments: environments.map(name => ({ name })),
          manifests: { repo: 'github.com/acme/deploy' },
          argocd: {
            appNameTemplate: '{service}-{env}',
            instances: [{ name: 'main', url: 'https://argocd.example' }],
          },
        },
      });
      const e = entity({ 'shipdeck.io/image': 'acme/cart', ...annotations });
      const located = applicationRefsFromTemplate(
        e,
        environments.map(name => ({ name, argocdInstance: 'main' })),
        { appNameTemplate: '{service}-{env}' },
      );
      for (const target of TargetResolver.fromConfig(config).resolve(e)) {
        const ref = located.get(target.environment.name);
        if (!isLocated(ref)) throw new Error(`not located: ${ref?.error}`);
        expect([ref.name, ref.namespace]).toEqual([
          target.argocd.name,
          target.argocd.namespace,
        ]);
      }
    }
  });
});
