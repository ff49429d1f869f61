import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import {
  gitopsDeployPermission,
  gitopsDeployProtectedPermission,
  gitopsManifestsCreatePermission,
  gitopsSyncPermission,
} from '@shipdeck/plugin-gitops-common';
import { OwnersMayDeployPolicy } from './permissionPolicy';

const guest = {
  identity: {
    type: 'user' as const,
    userEntityRef: 'user:default/guest',
    ownershipEntityRefs: ['user:default/guest', 'group:default/team-shop'],
  },
  token: 'token',
  credentials: {} as any,
  info: {
    userEntityRef: 'user:default/guest',
    ownershipEntityRefs: ['user:default/guest', 'group:default/team-shop'],
  },
};

describe('OwnersMayDeployPolicy', () => {
  const policy = new OwnersMayDeployPolicy();

  it.each([
    gitopsDeployPermission,
    gitopsDeployProtectedPermission,
    gitopsSyncPermission,
  ])('lets only the owners of the entity use $name', async permission => {
    const decision = await policy.handle({ permission }, guest);
    expect(decision).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        resourceType: 'catalog-entity',
        params: { claims: ['user:default/guest', 'group:default/team-shop'] },
      },
    });
  });

  it('denies Shipdeck mutations to callers without a user', async () => {
    expect(await policy.handle({ permission: gitopsDeployPermission })).toEqual(
      {
        result: AuthorizeResult.DENY,
      },
    );
  });

  it('lets any signed-in user add a new service’s manifests, and no caller without a user', async () => {
    expect(
      await policy.handle(
        { permission: gitopsManifestsCreatePermission },
        guest,
      ),
    ).toEqual({ result: AuthorizeResult.ALLOW });
    expect(
      await policy.handle({ permission: gitopsManifestsCreatePermission }),
    ).toEqual({ result: AuthorizeResult.DENY });
  });

  it('allows everything else, reading the catalog included', async () => {
    expect(
      await policy.handle({ permission: catalogEntityReadPermission }, guest),
    ).toEqual({
      result: AuthorizeResult.ALLOW,
    });
  });
});
