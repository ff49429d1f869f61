import { createPermission } from '@backstage/plugin-permission-common';
import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';

/**
 * Deploy, promote, roll back or release an entity into an unprotected environment.
 *
 * @public
 */
export const gitopsDeployPermission = createPermission({
  name: 'gitops.deploy',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * The same as {@link gitopsDeployPermission}, into a protected environment.
 *
 * @public
 */
export const gitopsDeployProtectedPermission = createPermission({
  name: 'gitops.deploy.protected',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Sync, refresh and run rollout actions on an entity's Argo CD Applications.
 *
 * @public
 */
export const gitopsSyncPermission = createPermission({
  name: 'gitops.sync',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Publish the manifests of a service that is not in the catalog yet (a
 * template creating it). A basic permission, like the catalog's
 * `catalog.entity.create`: there is no entity to check against. Changing
 * the manifests of an existing entity needs {@link gitopsDeployPermission}
 * on it instead.
 *
 * @public
 */
export const gitopsManifestsCreatePermission = createPermission({
  name: 'gitops.manifests.create',
  attributes: { action: 'create' },
});

/**
 * Every permission Shipdeck defines.
 *
 * @public
 */
export const gitopsPermissions = [
  gitopsDeployPermission,
  gitopsDeployProtectedPermission,
  gitopsSyncPermission,
  gitopsManifestsCreatePermission,
];
