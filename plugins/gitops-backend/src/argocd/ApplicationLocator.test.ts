import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import {
  applicationRefsFromTemplate,
  isLocated,
  LocatedApplication,
  locateApplications,
  parseLabelSelector,
  readApplicationLocatorOptions,
} from './ApplicationLocator';
import { ArgoApplication } from './types';
import { argoApp } from './__testUtils__/argoCdStandIn';

function entity(annotations: Record<string, string> = {}): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'cart', namespace: 'default', annotations },
    spec: {},
  };
}

const ENVS = [
  { name: 'dev', argocdInstance: 'main' },
  { name: 'staging', argocdInstance: 'main' },
  { name: 'production', argocdInstance: 'prod' },
];

const snapshotOf =
  (byInstance: Record<string, ArgoApplication[]>) => (instance: string) =>
    byInstance[instance];

const plain = (located: Map<string, LocatedApplication>) =>
  Object.fromEntries(located);

describe('locateApplications', () => {
  const snapshot = snapshotOf({
    main: [
      argoApp('cart-dev'),
      argoApp('cart-staging', { project: 'shop' }),
      argoApp('orders-dev'),
    ],
    prod: [argoApp('cart-production', { project: 'shop' })],
  });

  it('without annotations renders the template with the entity name', () => {
    expect(plain(locateApplications(entity(), ENVS, snapshot))).toEqual({
      dev: {
        instance: 'main',
        name: 'cart-dev',
        namespace: 'argocd',
        project: 'default',
      },
      staging: {
        instance: 'main',
        name: 'cart-staging',
        namespace: 'argocd',
        project: 'shop',
      },
      production: {
        instance: 'prod',
        name: 'cart-production',
        namespace: 'argocd',
        project: 'shop',
      },
    });
  });

  it('uses argocd/app-name as the base name with several environments, and a custom template', () => {
    const located = locateApplications(
      entity({ 'argocd/app-name': 'shop-cart' }),
      ENVS,
      snapshotOf({
        main: [argoApp('dev.shop-cart'), argoApp('staging.shop-cart')],
        prod: [argoApp('production.shop-cart')],
      }),
      { appNameTemplate: '{env}.{service}' },
    );
    expect([...located.values()].map(r => isLocated(r) && r.name)).toEqual([
      'dev.shop-cart',
      'staging.shop-cart',
      'production.shop-cart',
    ]);
  });

  it('takes argocd/app-name as the exact name with a single environment', () => {
    const located = locateApplications(
      entity({ 'argocd/app-name': 'cart-legacy' }),
      [ENVS[0]],
      snapshotOf({
        main: [argoApp('cart-legacy'), argoApp('cart-legacy-dev')],
      }),
    );
    expect(located.get('dev')).toMatchObject({ name: 'cart-legacy' });
    // ... and falls back to the template when that exact name does not exist.
    const templated = locateApplications(
      entity({ 'argocd/app-name': 'cart' }),
      [ENVS[0]],
      snapshot,
    );
    expect(templated.get('dev')).toMatchObject({ name: 'cart-dev' });
  });

  it('renders an argocd/app-name that contains {env} as its own template', () => {
    const located = locateApplications(
      entity({ 'argocd/app-name': 'team-{service}-{env}' }),
      ENVS.slice(0, 1),
      snapshotOf({ main: [argoApp('team-cart-dev')] }),
    );
    expect(located.get('dev')).toMatchObject({ name: 'team-cart-dev' });
  });

  it('accepts the exact argocd/app-name on an instance that serves only that environment', () => {
    // One Argo CD per environment, the app called the same everywhere.
    const envs = [
      { name: 'staging', argocdInstance: 'staging' },
      { name: 'production', argocdInstance: 'prod' },
    ];
    const located = locateApplications(
      entity({ 'argocd/app-name': 'cart' }),
      envs,
      snapshotOf({ staging: [argoApp('cart')], prod: [argoApp('cart')] }),
    );
    expect(plain(located)).toEqual({
      staging: {
        instance: 'staging',
        name: 'cart',
        namespace: 'argocd',
        project: 'default',
      },
      production: {
        instance: 'prod',
        name: 'cart',
        namespace: 'argocd',
        project: 'default',
      },
    });
    // On a shared instance the exact name could be any environment's: no guess.
    const shared = locateApplications(
      entity({ 'argocd/app-name': 'cart' }),
      ENVS.slice(0, 2),
      snapshotOf({ main: [argoApp('cart')] }),
    );
    expect(shared.get('dev')).toEqual({
      error:
        "No Argo CD application 'cart-dev' (nor 'cart') on instance 'main' for environment 'dev' of component:default/cart",
    });
  });

  it('uses argocd/instance-name for every environment and checks it is configured', () => {
    const located = locateApplications(
      entity({ 'argocd/instance-name': 'prod' }),
      ENVS,
      snapshotOf({
        prod: [
          argoApp('cart-dev'),
          argoApp('cart-staging'),
          argoApp('cart-production'),
        ],
      }),
      { instances: ['main', 'prod'] },
    );
    expect([...located.values()].map(r => isLocated(r) && r.instance)).toEqual([
      'prod',
      'prod',
      'prod',
    ]);
    const unknown = locateApplications(
      entity({ 'argocd/instance-name': 'eu' }),
      ENVS.slice(0, 1),
      snapshot,
      { instances: ['main', 'prod'] },
    );
    expect(unknown.get('dev')).toEqual({
      error:
        "component:default/cart: annotation argocd/instance-name names Argo CD instance 'eu', which is not configured (configured: main, prod)",
    });
  });

  it('narrows by argocd/project-name and argocd/app-namespace and keeps them in the ref', () => {
    const apps = snapshotOf({
      main: [
        argoApp('cart-dev', { namespace: 'argocd' }),
        argoApp('cart-dev', { namespace: 'team-shop', project: 'shop' }),
      ],
    });
    expect(
      locateApplications(
        entity({ 'argocd/app-namespace': 'team-shop' }),
        ENVS.slice(0, 1),
        apps,
      ).get('dev'),
    ).toEqual({
      instance: 'main',
      name: 'cart-dev',
      namespace: 'team-shop',
      project: 'shop',
    });
    expect(
      locateApplications(
        entity({ 'argocd/project-name': 'shop' }),
        ENVS.slice(0, 1),
        apps,
      ).get('dev'),
    ).toEqual({
      instance: 'main',
      name: 'cart-dev',
      namespace: 'team-shop',
      project: 'shop',
    });
    expect(
      locateApplications(
        entity({ 'argocd/project-name': 'billing' }),
        ENVS.slice(0, 1),
        apps,
      ).get('dev'),
    ).toEqual({
      error:
        "No Argo CD application 'cart-dev' on instance 'main' in project 'billing' for environment 'dev' of component:default/cart",
    });
  });

  it('reports two apps for one environment as ambiguous', () => {
    const located = locateApplications(
      entity(),
      ENVS.slice(0, 1),
      snapshotOf({
        main: [
          argoApp('cart-dev', { namespace: 'argocd' }),
          argoApp('cart-dev', { namespace: 'team-shop' }),
        ],
      }),
    );
    expect(located.get('dev')).toEqual({
      error:
        "2 Argo CD applications named 'cart-dev' on instance 'main' (argocd/cart-dev, team-shop/cart-dev) could run environment 'dev' of component:default/cart; set argocd/app-namespace or argocd/project-name",
    });
  });

  it('lets the environment label settle two same-named apps', () => {
    const located = locateApplications(
      entity(),
      ENVS.slice(0, 1),
      snapshotOf({
        main: [
          argoApp('cart-dev', { namespace: 'argocd' }),
          argoApp('cart-dev', {
            namespace: 'team-shop',
            labels: { 'shipdeck.io/environment': 'dev' },
          }),
        ],
      }),
    );
    expect(located.get('dev')).toMatchObject({ namespace: 'team-shop' });
  });

  it('reports a missing app per environment and finds the others', () => {
    const located = locateApplications(
      entity(),
      ENVS,
      snapshotOf({ main: [argoApp('cart-dev')], prod: [] }),
    );
    expect(isLocated(located.get('dev'))).toBe(true);
    expect(located.get('staging')).toEqual({
      error:
        "No Argo CD application 'cart-staging' on instance 'main' for environment 'staging' of component:default/cart",
    });
    expect(located.get('production')).toEqual({
      error:
        "No Argo CD application 'cart-production' on instance 'prod' for environment 'production' of component:default/cart",
    });
  });

  it('finds multi-source apps and apps from a projected list', () => {
    const projected: ArgoApplication = { metadata: { name: 'cart-staging' } };
    const located = locateApplications(
      entity({ 'argocd/project-name': 'shop' }),
      ENVS.slice(0, 2),
      snapshotOf({
        main: [
          argoApp('cart-dev', { sources: true, project: 'shop' }),
          projected,
        ],
      }),
    );
    expect(plain(located)).toEqual({
      dev: {
        instance: 'main',
        name: 'cart-dev',
        namespace: 'argocd',
        project: 'shop',
      },
      staging: { instance: 'main', name: 'cart-staging', project: 'shop' },
    });
  });

  it('falls back to the template where an instance has no snapshot yet', () => {
    const located = locateApplications(
      entity({
        'argocd/app-name': 'cart',
        'argocd/app-namespace': 'team-shop',
      }),
      ENVS,
      snapshotOf({ main: [argoApp('cart-dev', { namespace: 'team-shop' })] }),
    );
    expect(located.get('production')).toEqual({
      instance: 'prod',
      name: 'cart-production',
      namespace: 'team-shop',
    });
  });

  describe('argocd/app-selector', () => {
    const apps = snapshotOf({
      main: [
        argoApp('cart-web-dev', {
          labels: {
            'app.kubernetes.io/name': 'cart',
            'shipdeck.io/environment': 'dev',
          },
        }),
        argoApp('cart-web-stg', {
          namespace: 'team-shop',
          labels: {
            'app.kubernetes.io/name': 'cart',
            'shipdeck.io/environment': 'staging',
          },
        }),
        argoApp('orders-dev', {
          labels: {
            'app.kubernetes.io/name': 'orders',
            'shipdeck.io/environment': 'dev',
          },
        }),
      ],
      prod: [
        // No environment label: the name tells.
        argoApp('cart-production', {
          labels: { 'app.kubernetes.io/name': 'cart' },
        }),
        argoApp('cart-canary', {
          labels: { 'app.kubernetes.io/name': 'cart' },
        }),
      ],
    });

    it('takes each environment from the label, else from the name', () => {
      const located = locateApplications(
        entity({ 'argocd/app-selector': 'app.kubernetes.io/name=cart' }),
        ENVS,
        apps,
      );
      expect(plain(located)).toEqual({
        dev: {
          instance: 'main',
          name: 'cart-web-dev',
          namespace: 'argocd',
          project: 'default',
        },
        staging: {
          instance: 'main',
          name: 'cart-web-stg',
          namespace: 'team-shop',
          project: 'default',
        },
        production: {
          instance: 'prod',
          name: 'cart-production',
          namespace: 'argocd',
          project: 'default',
        },
      });
    });

    it('reads a configured environment label', () => {
      const located = locateApplications(
        entity({ 'argocd/app-selector': 'team=shop' }),
        ENVS.slice(0, 1),
        snapshotOf({
          main: [
            argoApp('storefront', {
              labels: { team: 'shop', 'acme.io/stage': 'dev' },
            }),
            argoApp('storefront-next', {
              labels: { team: 'shop', 'acme.io/stage': 'qa' },
            }),
          ],
        }),
        { environmentLabel: 'acme.io/stage' },
      );
      expect(located.get('dev')).toMatchObject({ name: 'storefront' });
    });

    it('names the matches when two apps claim one environment', () => {
      const located = locateApplications(
        entity({ 'argocd/app-selector': 'app.kubernetes.io/name=cart' }),
        ENVS.slice(0, 1),
        snapshotOf({
          main: [
            argoApp('cart-a', {
              labels: {
                'app.kubernetes.io/name': 'cart',
                'shipdeck.io/environment': 'dev',
              },
            }),
            argoApp('cart-b', {
              labels: {
                'app.kubernetes.io/name': 'cart',
                'shipdeck.io/environment': 'dev',
              },
            }),
          ],
        }),
      );
      expect(located.get('dev')).toEqual({
        error:
          "2 Argo CD applications on instance 'main' matching argocd/app-selector 'app.kubernetes.io/name=cart' run environment 'dev' of component:default/cart (argocd/cart-a, argocd/cart-b); give each the label shipdeck.io/environment=<environment> or narrow the selector",
      });
    });

    it('says which apps matched when none is for the environment', () => {
      const located = locateApplications(
        entity({ 'argocd/app-selector': 'app.kubernetes.io/name in (orders)' }),
        [{ name: 'staging', argocdInstance: 'main' }, ENVS[0]],
        apps,
      );
      expect(located.get('staging')).toEqual({
        error:
          "None of the 1 Argo CD applications on instance 'main' matching argocd/app-selector 'app.kubernetes.io/name in (orders)' runs environment 'staging' of component:default/cart (argocd/orders-dev (shipdeck.io/environment=dev)); label it shipdeck.io/environment=staging or name it like '{service}-staging'",
      });
      expect(located.get('dev')).toMatchObject({ name: 'orders-dev' });
    });

    it('needs a snapshot and a valid selector', () => {
      expect(
        locateApplications(
          entity({ 'argocd/app-selector': 'app=cart' }),
          ENVS.slice(0, 1),
          () => undefined,
        ).get('dev'),
      ).toEqual({
        error:
          "component:default/cart: annotation argocd/app-selector needs the application list of Argo CD instance 'main', which is not available yet",
      });
      expect(
        locateApplications(
          entity({ 'argocd/app-selector': 'app in (cart' }),
          ENVS.slice(0, 1),
          apps,
        ).get('dev'),
      ).toEqual({
        error:
          "component:default/cart: annotation argocd/app-selector 'app in (cart' is not a label selector: unbalanced '('",
      });
    });

    it('gives argocd/app-name precedence over a selector', () => {
      const located = locateApplications(
        entity({
          'argocd/app-name': 'cart',
          'argocd/app-selector': 'app.kubernetes.io/name=cart',
        }),
        ENVS,
        snapshot,
      );
      expect(located.get('dev')).toMatchObject({ name: 'cart-dev' });
    });
  });
});

describe('applicationRefsFromTemplate', () => {
  it('derives refs from annotations and the template alone', () => {
    expect(
      plain(
        applicationRefsFromTemplate(
          entity({
            'argocd/app-name': 'shop-cart',
            'argocd/project-name': 'shop',
            'argocd/app-namespace': 'team-shop',
          }),
          ENVS,
        ),
      ),
    ).toEqual({
      dev: {
        instance: 'main',
        name: 'shop-cart-dev',
        namespace: 'team-shop',
        project: 'shop',
      },
      staging: {
        instance: 'main',
        name: 'shop-cart-staging',
        namespace: 'team-shop',
        project: 'shop',
      },
      production: {
        instance: 'prod',
        name: 'shop-cart-production',
        namespace: 'team-shop',
        project: 'shop',
      },
    });
    expect(
      applicationRefsFromTemplate(
        entity({ 'argocd/app-name': 'cart-legacy' }),
        ENVS.slice(0, 1),
      ).get('dev'),
    ).toEqual({ instance: 'main', name: 'cart-legacy' });
  });

  it('reads its options from config', () => {
    const options = readApplicationLocatorOptions(
      new ConfigReader({
        gitops: {
          argocd: {
            appNameTemplate: '{service}.{env}',
            environmentLabel: 'acme.io/stage',
            instances: [{ name: 'main', url: 'https://argocd.acme.example' }],
          },
        },
      }),
    );
    expect(options).toEqual({
      appNameTemplate: '{service}.{env}',
      environmentLabel: 'acme.io/stage',
      instances: ['main'],
    });
    expect(readApplicationLocatorOptions(new ConfigReader({}))).toEqual({
      appNameTemplate: '{service}-{env}',
      environmentLabel: 'shipdeck.io/environment',
      instances: [],
    });
  });
});

describe('parseLabelSelector', () => {
  const labels = { app: 'cart', tier: 'web', 'acme.io/team': 'shop' };
  it.each([
    ['app=cart', true],
    ['app==cart,tier=web', true],
    ['app=cart,tier=api', false],
    ['app!=orders', true],
    ['missing!=x', true],
    ['app in (cart, orders)', true],
    ['app notin (cart)', false],
    ['missing notin (x)', true],
    ['acme.io/team', true],
    ['!acme.io/team', false],
    ['!missing, app', true],
  ])('%s → %s', (selector, expected) => {
    expect(parseLabelSelector(selector)(labels)).toBe(expected);
  });

  it.each(['', 'a=b,,c=d', 'app in cart', 'app=(x)', 'app in (a'])(
    'rejects %j',
    selector => {
      expect(() => parseLabelSelector(selector)).toThrow();
    },
  );

  it('reads an empty value as matching an empty label', () => {
    expect(parseLabelSelector('app=')({ app: '' })).toBe(true);
    expect(parseLabelSelector('app=')({ app: 'cart' })).toBe(false);
  });
});
