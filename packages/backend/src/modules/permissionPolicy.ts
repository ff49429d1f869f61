import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isPermission,
  isResourcePermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';
import {
  gitopsManifestsCreatePermission,
  gitopsPermissions,
} from '@shipdeck/plugin-gitops-common';

/**
 * The demo's policy: the owners of an entity (its owning group's members,
 * through the catalog's ownedBy relations) may deploy, promote, roll back and
 * sync it; nobody else may. Any signed-in user may add a new service's
 * manifests (a template). Everything else, reading included, is allowed.
 */
export class OwnersMayDeployPolicy implements PermissionPolicy {
  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const isGitops = gitopsPermissions.some(p =>
      isPermission(request.permission, p),
    );
    if (!isGitops) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (!user) {
      return { result: AuthorizeResult.DENY };
    }
    // Any signed-in user may create a new service from a template, as they
    // may register one in the catalog; changing an existing one is the
    // owners' business.
    if (isPermission(request.permission, gitopsManifestsCreatePermission)) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (
      !isResourcePermission(request.permission, RESOURCE_TYPE_CATALOG_ENTITY)
    ) {
      return { result: AuthorizeResult.DENY };
    }
    return createCatalogConditionalDecision(
      request.permission,
      catalogConditions.isEntityOwner({
        claims: user.info.ownershipEntityRefs,
      }),
    );
  }
}

export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'owners-may-deploy-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy(new OwnersMayDeployPolicy());
      },
    });
  },
});
