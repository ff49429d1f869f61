import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  gitopsDeployPermission,
  gitopsDeployProtectedPermission,
  gitopsManifestsCreatePermission,
} from '@shipdeck/plugin-gitops-common';
import {
  ManifestPublishService,
  PublishPlan,
  PublishRequest,
} from './ManifestPublishService';

type Options = { credentials: BackstageCredentials };

/**
 * A service in the catalog is changed by those who may deploy it (into a
 * protected environment when the files touch one), exactly as a
 * deployment; a service that does not exist yet needs
 * `gitops.manifests.create`. Checked before anything is written, dry runs
 * included.
 */
export class AuthorizedManifestPublishService
  implements ManifestPublishService
{
  constructor(
    private readonly inner: ManifestPublishService,
    private readonly permissions: PermissionsService,
  ) {}

  planPublish(request: PublishRequest, options: Options) {
    return this.inner.planPublish(request, options);
  }

  async publish(plan: PublishPlan, options: Options) {
    await this.#authorize(plan, options);
    return this.inner.publish(plan, options);
  }

  async preview(plan: PublishPlan, options: Options) {
    await this.#authorize(plan, options);
    return this.inner.preview(plan, options);
  }

  async #authorize(plan: PublishPlan, options: Options) {
    if (!plan.entityExists) {
      const [decision] = await this.permissions.authorize(
        [{ permission: gitopsManifestsCreatePermission }],
        options,
      );
      if (decision.result !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError(
          `You may not add manifests for the new service ${plan.entityRef}: ${gitopsManifestsCreatePermission.name} is needed`,
        );
      }
      return;
    }
    const protectedEnvironments = plan.environments.filter(e => e.protected);
    const permission = protectedEnvironments.length
      ? gitopsDeployProtectedPermission
      : gitopsDeployPermission;
    const [decision] = await this.permissions.authorize(
      [{ permission, resourceRef: plan.entityRef }],
      options,
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You may not change the manifests of ${plan.entityRef}${
          protectedEnvironments.length
            ? ` in ${protectedEnvironments
                .map(e => e.name)
                .join(', ')} (protected)`
            : ''
        }: ${permission.name} is needed`,
      );
    }
  }
}
