import { usePermission } from '@backstage/plugin-permission-react';
import {
  Environment,
  gitopsDeployPermission,
  gitopsDeployProtectedPermission,
  gitopsSyncPermission,
} from '@shipdeck/plugin-gitops-common';

/** Whether an action is allowed and, when it is not, a sentence saying why. */
export interface Allowance {
  allowed: boolean;
  loading: boolean;
  reason?: string;
}

export interface GitopsPermissions {
  /** Deploy, promote or roll back into this environment. */
  deploy(environment: Pick<Environment, 'name' | 'protected'>): Allowance;
  /** Sync, refresh and rollout actions on the entity's Applications. */
  sync: Allowance;
}

function allowance(
  result: { allowed: boolean; loading: boolean },
  reason: string,
): Allowance {
  if (result.loading) {
    return { allowed: false, loading: true, reason: 'Checking permissions…' };
  }
  return result.allowed
    ? { allowed: true, loading: false }
    : { allowed: false, loading: false, reason };
}

/**
 * The caller's Shipdeck permissions on one entity. The backend decides
 * again on every request; this only keeps controls honest.
 */
export function useGitopsPermissions(entityRef: string): GitopsPermissions {
  const deploy = usePermission({
    permission: gitopsDeployPermission,
    resourceRef: entityRef,
  });
  const deployProtected = usePermission({
    permission: gitopsDeployProtectedPermission,
    resourceRef: entityRef,
  });
  const sync = usePermission({
    permission: gitopsSyncPermission,
    resourceRef: entityRef,
  });
  return {
    deploy: environment =>
      environment.protected
        ? allowance(
            deployProtected,
            `You may not deploy ${entityRef} to protected environment ${environment.name} (needs ${gitopsDeployProtectedPermission.name}; usually its owners).`,
          )
        : allowance(
            deploy,
            `You may not deploy ${entityRef} (needs ${gitopsDeployPermission.name}; usually its owners).`,
          ),
    sync: allowance(
      sync,
      `You may not sync or refresh ${entityRef} in Argo CD (needs ${gitopsSyncPermission.name}).`,
    ),
  };
}
