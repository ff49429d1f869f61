import { Config } from '@backstage/config';
import { ArgoCdInstanceConfig, readArgoCdConfig } from './argoCdConfig';
import { DEFAULT_APP_NAMESPACE } from './types';

/**
 * Links into Argo CD's web UI, built in this one place for every route,
 * pull request body and timeline event. Argo CD shows an Application of its
 * control-plane namespace at `/applications/<name>` and any other
 * (`argocd/app-namespace`, apps in any namespace) at
 * `/applications/<namespace>/<name>`; the short form would open another
 * Application of that name, or none.
 */
export class ArgoCdLinks {
  /** From `gitops.argocd.instances`: each instance's `webUrl`, else its `url`. */
  static fromConfig(config: Config): ArgoCdLinks {
    return ArgoCdLinks.forInstances(readArgoCdConfig(config).instances);
  }

  /** Each instance's `webUrl`, else its `url`. */
  static forInstances(
    instances: Array<Pick<ArgoCdInstanceConfig, 'name' | 'url' | 'webUrl'>>,
  ): ArgoCdLinks {
    return new ArgoCdLinks(
      instances.map(i => ({ name: i.name, webUrl: i.webUrl ?? i.url })),
    );
  }

  readonly #bases: Map<string, string>;

  constructor(instances: Array<{ name: string; webUrl: string }>) {
    this.#bases = new Map(
      instances.map(i => [i.name, i.webUrl.replace(/\/+$/, '')]),
    );
  }

  /** The Application's page; undefined for an instance that is not configured. */
  applicationUrl(ref: {
    instance: string;
    name: string;
    namespace?: string;
  }): string | undefined {
    const base = this.#bases.get(ref.instance);
    if (!base) return undefined;
    const name = encodeURIComponent(ref.name);
    return ref.namespace && ref.namespace !== DEFAULT_APP_NAMESPACE
      ? `${base}/applications/${encodeURIComponent(ref.namespace)}/${name}`
      : `${base}/applications/${name}`;
  }
}
