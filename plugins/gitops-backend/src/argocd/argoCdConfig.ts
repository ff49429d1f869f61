import { Config } from '@backstage/config';

/** Argo CD's default name template: `cart` in `dev` is `cart-dev`. */
export const DEFAULT_APP_NAME_TEMPLATE = '{service}-{env}';
/** The Application label that names its environment, when none is configured. */
export const DEFAULT_ENVIRONMENT_LABEL = 'shipdeck.io/environment';

/** One configured Argo CD instance (`gitops.argocd.instances[]`). */
export interface ArgoCdInstanceConfig {
  name: string;
  /** Base URL of the API server, possibly with a root path. */
  url: string;
  /** Link target for people, when it differs from `url`. */
  webUrl?: string;
  token?: string;
}

/** Everything under `gitops.argocd`, read once. */
export interface ArgoCdConfig {
  instances: ArgoCdInstanceConfig[];
  /** `{service}` and `{env}` give an entity's Application name per environment. */
  appNameTemplate: string;
  /** The Application label naming its environment. */
  environmentLabel: string;
}

/** The one reader of `gitops.argocd.*`; see config.d.ts for each key. */
export function readArgoCdConfig(config: Config): ArgoCdConfig {
  return {
    instances: (
      config.getOptionalConfigArray('gitops.argocd.instances') ?? []
    ).map(c => ({
      name: c.getString('name'),
      url: c.getString('url'),
      webUrl: c.getOptionalString('webUrl'),
      token: c.getOptionalString('token'),
    })),
    appNameTemplate:
      config.getOptionalString('gitops.argocd.appNameTemplate') ??
      DEFAULT_APP_NAME_TEMPLATE,
    environmentLabel:
      config.getOptionalString('gitops.argocd.environmentLabel') ??
      DEFAULT_ENVIRONMENT_LABEL,
  };
}
