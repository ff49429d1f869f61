import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  gitopsSyncPermission,
  RolloutAction,
} from '@shipdeck/plugin-gitops-common';
import { ArgoActionTarget, SyncRequest, SyncService } from './SyncService';

type Options = { credentials: BackstageCredentials };

/**
 * `gitops.sync` on the entity, checked by every action before it reaches
 * Argo CD, so no caller can act on a target it merely located.
 */
export class AuthorizedSyncService implements SyncService {
  constructor(
    private readonly inner: SyncService,
    private readonly permissions: PermissionsService,
  ) {}

  locate(ref: CompoundEntityRef, environment: string, options: Options) {
    return this.inner.locate(ref, environment, options);
  }

  async sync(target: ArgoActionTarget, request: SyncRequest, options: Options) {
    await this.#authorize(target, options);
    return this.inner.sync(target, request, options);
  }

  async refresh(
    target: ArgoActionTarget,
    request: { hard?: boolean },
    options: Options,
  ) {
    await this.#authorize(target, options);
    return this.inner.refresh(target, request, options);
  }

  async terminate(target: ArgoActionTarget, options: Options) {
    await this.#authorize(target, options);
    return this.inner.terminate(target, options);
  }

  async rolloutAction(
    target: ArgoActionTarget,
    action: RolloutAction,
    options: Options,
  ) {
    await this.#authorize(target, options);
    return this.inner.rolloutAction(target, action, options);
  }

  async rollback(
    target: ArgoActionTarget,
    request: { historyId: number; prune?: boolean },
    options: Options,
  ) {
    await this.#authorize(target, options);
    return this.inner.rollback(target, request, options);
  }

  async #authorize(target: ArgoActionTarget, options: Options) {
    const [decision] = await this.permissions.authorize(
      [{ permission: gitopsSyncPermission, resourceRef: target.entityRef }],
      options,
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You may not sync ${target.entityRef} in ${target.environment.name}: ${gitopsSyncPermission.name} is needed`,
      );
    }
  }
}
