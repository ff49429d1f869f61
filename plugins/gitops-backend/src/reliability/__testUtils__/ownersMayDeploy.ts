import {
  BackstageCredentials,
  coreServices,
  createServiceFactory,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  AuthorizeResult,
  isPermission,
  Permission,
} from '@backstage/plugin-permission-common';
import {
  gitopsManifestsCreatePermission,
  gitopsPermissions,
} from '@shipdeck/plugin-gitops-common';

/**
 * The permissions service with the demo's policy (packages/backend's
 * OwnersMayDeployPolicy) decided in place: Shipdeck's permissions go to the
 * owners of the entity (the user or a group the user is a member of), a new
 * service's manifests to any signed-in user, nothing to callers without a
 * user (plain service tokens); everything else is allowed. The real
 * framework answers the same through the catalog's IS_ENTITY_OWNER rule;
 * deciding here keeps the matrix test free of a permission backend.
 */
export function ownersMayDeployPermissions(
  entities: Entity[],
  memberships: Record<string, string[]>,
) {
  const owners = new Map(
    entities.map(e => [
      stringifyEntityRef(e),
      String((e.spec as { owner?: string } | undefined)?.owner ?? ''),
    ]),
  );
  const decide = (
    permission: Permission,
    resourceRef: string | undefined,
    credentials: BackstageCredentials,
  ) => {
    if (!gitopsPermissions.some(p => isPermission(permission, p))) {
      return AuthorizeResult.ALLOW;
    }
    const principal = credentials.principal as {
      type: string;
      userEntityRef?: string;
    };
    if (principal.type !== 'user' || !principal.userEntityRef) {
      return AuthorizeResult.DENY;
    }
    if (isPermission(permission, gitopsManifestsCreatePermission)) {
      return AuthorizeResult.ALLOW;
    }
    const claims = [
      principal.userEntityRef,
      ...(memberships[principal.userEntityRef] ?? []),
    ];
    const owner = resourceRef ? owners.get(resourceRef) : undefined;
    return owner && claims.includes(owner)
      ? AuthorizeResult.ALLOW
      : AuthorizeResult.DENY;
  };
  const service: PermissionsService = {
    async authorize(requests, options) {
      return requests.map(r => ({
        result: decide(
          r.permission,
          (r as { resourceRef?: string }).resourceRef,
          options.credentials,
        ),
      })) as any;
    },
    async authorizeConditional(requests, options) {
      return requests.map(r => ({
        result: decide(r.permission, undefined, options.credentials),
      })) as any;
    },
  };
  return createServiceFactory({
    service: coreServices.permissions,
    deps: {},
    factory: () => service,
  });
}
