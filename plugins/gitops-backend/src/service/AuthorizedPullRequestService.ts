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
import { MergePlan, PullRequestService } from './PullRequestService';

type Options = { credentials: BackstageCredentials };

/**
 * A merge deploys every record the pull request carries, so it needs what
 * deploying each of them needs (`gitops.deploy.protected` into a protected
 * environment, `gitops.deploy` otherwise), all of them, checked in one batch
 * before anything is merged.
 */
export class AuthorizedPullRequestService implements PullRequestService {
  constructor(
    private readonly inner: PullRequestService,
    private readonly permissions: PermissionsService,
  ) {}

  planMerge(repository: string, number: number, options: Options) {
    return this.inner.planMerge(repository, number, options);
  }

  async merge(plan: MergePlan, options: Options) {
    const protectedEnvs = new Set(
      plan.environments.filter(e => e.protected).map(e => e.name),
    );
    const checks = [
      ...new Map(
        plan.deployments.map(d => {
          const permission = protectedEnvs.has(d.environment)
            ? gitopsDeployProtectedPermission
            : gitopsDeployPermission;
          return [
            `${d.entityRef}|${permission.name}`,
            { permission, resourceRef: d.entityRef },
          ] as const;
        }),
      ).values(),
    ];
    const decisions = await this.permissions.authorize(checks, options);
    const denied = checks.filter(
      (_, i) => decisions[i].result !== AuthorizeResult.ALLOW,
    );
    if (denied.length) {
      throw new NotAllowedError(
        `You may not merge pull request #${plan.pullRequest.number} of ${
          plan.repository
        }: ${denied
          .map(c => `${c.permission.name} on ${c.resourceRef}`)
          .join(', ')} is needed`,
      );
    }
    return this.inner.merge(plan, options);
  }
}
