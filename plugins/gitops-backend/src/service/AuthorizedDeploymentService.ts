import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  gitopsDeployPermission,
  gitopsDeployProtectedPermission,
} from '@shipdeck/plugin-gitops-common';
import {
  DeploymentPlan,
  DeploymentService,
  DeployRequest,
  PromoteRequest,
  ReleaseRequest,
  RollbackRequest,
  TagDeploymentRequest,
} from './DeploymentService';

type Options = { credentials: BackstageCredentials };

/**
 * Checks `gitops.deploy` (or `gitops.deploy.protected` for a protected
 * environment) for every entity a plan touches, in one batch, before
 * anything is written. Planning itself only reads, with the caller's
 * credentials.
 */
export class AuthorizedDeploymentService implements DeploymentService {
  constructor(
    private readonly inner: DeploymentService,
    private readonly permissions: PermissionsService,
  ) {}

  planDeploy(request: DeployRequest, options: Options) {
    return this.inner.planDeploy(request, options);
  }
  planPromote(request: PromoteRequest, options: Options) {
    return this.inner.planPromote(request, options);
  }
  planRollback(request: RollbackRequest, options: Options) {
    return this.inner.planRollback(request, options);
  }
  planRelease(request: ReleaseRequest, options: Options) {
    return this.inner.planRelease(request, options);
  }
  planTagDeployment(request: TagDeploymentRequest, options: Options) {
    return this.inner.planTagDeployment(request, options);
  }
  getDeployment(id: string, options: Options) {
    return this.inner.getDeployment(id, options);
  }

  async execute(plan: DeploymentPlan, options: Options) {
    await this.#authorize(plan, options);
    return this.inner.execute(plan, options);
  }

  // A dry run is refused exactly like the real request, so it cannot be used
  // to read manifests of services the caller may not deploy.
  async preview(plan: DeploymentPlan, options: Options) {
    await this.#authorize(plan, options);
    return this.inner.preview(plan, options);
  }

  async #authorize(plan: DeploymentPlan, options: Options) {
    const permission = plan.environment.protected
      ? gitopsDeployProtectedPermission
      : gitopsDeployPermission;
    const refs = plan.edits.map(e => e.target.entityRef);
    const decisions = await this.permissions.authorize(
      refs.map(resourceRef => ({ permission, resourceRef })),
      options,
    );
    const denied = refs.filter(
      (_, i) => decisions[i].result !== AuthorizeResult.ALLOW,
    );
    if (denied.length) {
      throw new NotAllowedError(
        `You may not deploy ${denied.join(', ')} to ${plan.environment.name}${
          plan.environment.protected ? ' (a protected environment)' : ''
        }: ${permission.name} is needed`,
      );
    }
  }
}
