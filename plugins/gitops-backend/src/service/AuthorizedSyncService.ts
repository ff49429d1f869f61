import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { gitopsSyncPermission } from '@shipdeck/plugin-gitops-common';
import {
  ArgoActionTarget,
  RolloutAction,
  SyncRequest,
  SyncService,
} from './SyncService';

/**
 * `gitops.sync` on the entity, checked when the target is located, so every
 * action below runs only for a target the caller may sync.
 */
export class AuthorizedSyncService implements SyncService {
  constructor(
    private readonly inner: SyncService,
    private readonly permissions: PermissionsService,
  ) {}

  async locate(
    ref: CompoundEntityRef,
    environment: string,
    options: { credentials: BackstageCredentials },
  ) {
    const target = await this.inner.locate(ref, environment, options);
    const [decision] = await this.permissions.authorize(
      [{ permission: gitopsSyncPermission, resourceRef: target.entityRef }],
      options,
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You may not sync ${target.entityRef} in ${environment}: ${gitopsSyncPermission.name} is needed`,
      );
    }
    return target;
  }

  sync(target: ArgoActionTarget, request: SyncRequest) {
    return this.inner.sync(target, request);
  }
  refresh(target: ArgoActionTarget, request: { hard?: boolean }) {
    return this.inner.refresh(target, request);
  }
  terminate(target: ArgoActionTarget) {
    return this.inner.terminate(target);
  }
  rolloutAction(target: ArgoActionTarget, action: RolloutAction) {
    return this.inner.rolloutAction(target, action);
  }
  rollback(
    target: ArgoActionTarget,
    request: { historyId: number; prune?: boolean },
  ) {
    return this.inner.rollback(target, request);
  }
}
