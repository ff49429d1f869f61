import { Config } from '@backstage/config';
import { Environment } from '@shipdeck/plugin-gitops-common';
import { ArgoCdConfig, readArgoCdConfig } from '../argocd/argoCdConfig';

const NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
// One path segment, also valid inside an image repository name.
const PATH_NAME = /^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/;

/**
 * Reads `gitops.environments` into the ordered environment list, failing at
 * start-up on a configuration that would make promotion ambiguous.
 */
export function readEnvironments(
  config: Config,
  argocd: ArgoCdConfig = readArgoCdConfig(config),
): Environment[] {
  // An environment without `argocdInstance` runs on the first instance.
  const defaultInstance = argocd.instances[0]?.name ?? 'default';
  const entries = config.getOptionalConfigArray('gitops.environments') ?? [];

  const environments = entries.map((entry, order): Environment => {
    const name = entry.getString('name');
    if (!NAME.test(name)) {
      throw new Error(
        `gitops.environments[${order}].name '${name}' must be lower-case letters, digits and dashes`,
      );
    }
    const pathName = entry.getOptionalString('pathName') ?? name;
    if (!PATH_NAME.test(pathName)) {
      throw new Error(
        `gitops.environments[${order}].pathName '${pathName}' must be one path segment of lower-case letters, digits, dots, dashes and underscores`,
      );
    }
    const previous =
      order > 0 ? entries[order - 1].getString('name') : undefined;
    return {
      name,
      pathName,
      title: entry.getOptionalString('title') ?? name,
      order,
      pullRequest: entry.getOptionalBoolean('pullRequest') ?? false,
      protected: entry.getOptionalBoolean('protected') ?? false,
      promotesFrom: entry.getOptionalString('promotesFrom') ?? previous,
      argocdInstance:
        entry.getOptionalString('argocdInstance') ?? defaultInstance,
      verifyImages:
        entry.getOptionalBoolean('verifyImages') ??
        config.getOptionalBoolean('gitops.verifyImages') ??
        false,
    };
  });

  const names = new Set<string>();
  for (const env of environments) {
    if (names.has(env.name)) {
      throw new Error(`gitops.environments lists '${env.name}' twice`);
    }
    names.add(env.name);
  }
  for (const env of environments) {
    if (env.promotesFrom && !names.has(env.promotesFrom)) {
      throw new Error(
        `gitops.environments '${env.name}' promotes from unknown environment '${env.promotesFrom}'`,
      );
    }
  }
  return environments;
}
