import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { ActionContext } from '@backstage/plugin-scaffolder-node';
import { Environment } from '@shipdeck/plugin-gitops-common';
import { gitopsClientFor } from './gitopsClientFor';

/** The environments configured in the gitops backend, asked as the template's initiator. */
export async function configuredEnvironments(
  options: { auth: AuthService; discovery: DiscoveryService },
  ctx: Pick<ActionContext<any>, 'getInitiatorCredentials'>,
): Promise<Environment[]> {
  const client = gitopsClientFor({
    ...options,
    credentials: await ctx.getInitiatorCredentials(),
  });
  return client.getConfiguredEnvironments();
}

/**
 * The requested environments, in the order given. Each must be configured in
 * Shipdeck: files for an environment it does not know would never be deployed.
 */
export function selectEnvironments(
  names: string[],
  configured: Environment[],
  field = 'environments',
): Environment[] {
  const seen = new Set<string>();
  return names.map(name => {
    if (seen.has(name)) {
      throw new InputError(`${field}: "${name}" is listed twice`);
    }
    seen.add(name);
    const environment = configured.find(env => env.name === name);
    if (!environment) {
      throw new InputError(
        `${field}: "${name}" is not a Shipdeck environment; configured: ${
          configured.map(env => env.name).join(', ') || 'none'
        }`,
      );
    }
    return environment;
  });
}

/**
 * A per-environment map input (env → value): its keys must be among the
 * selected environments, so a typo does not silently fall back to a default.
 */
export function checkEnvironmentKeys(
  map: Record<string, unknown> | undefined,
  environments: Array<{ name: string }>,
  field: string,
): void {
  for (const key of Object.keys(map ?? {})) {
    if (!environments.some(env => env.name === key)) {
      throw new InputError(
        `${field}.${key}: "${key}" is not one of environments (${environments
          .map(env => env.name)
          .join(', ')})`,
      );
    }
  }
}
