import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { Environment, RolloutAction } from '@shipdeck/plugin-gitops-common';
import { ArgoAppRef } from '../argocd/types';

export interface SyncRequest {
  prune?: boolean;
  dryRun?: boolean;
  resources?: Array<{
    group?: string;
    kind: string;
    name: string;
    namespace?: string;
  }>;
  /** Wait until synced and healthy (or failed), up to timeoutSeconds. */
  wait?: boolean;
  timeoutSeconds?: number;
}

export interface SyncOutcome {
  application: ArgoAppRef;
  url?: string;
  /** What Argo CD said right after the action, or when waiting ended. */
  state: string;
  message: string;
  /** The action started and Argo CD works on (a sync not waited for): 202. */
  inProgress?: boolean;
}

/** An action on one target's Argo CD Application, resolved before authorization. */
export interface ArgoActionTarget {
  entityRef: string;
  environment: Environment;
  application: ArgoAppRef;
}

type Options = { credentials: BackstageCredentials };

/**
 * Sync, refresh, terminate and rollout actions on an entity's Applications.
 * Every action takes the caller's credentials, so the permission check
 * (AuthorizedSyncService) sits on the action itself.
 */
export interface SyncService {
  /** Finds the entity's Application in an environment (a read: catalog read permission). */
  locate(
    entityRef: CompoundEntityRef,
    environment: string,
    options: Options,
  ): Promise<ArgoActionTarget>;
  sync(
    target: ArgoActionTarget,
    request: SyncRequest,
    options: Options,
  ): Promise<SyncOutcome>;
  refresh(
    target: ArgoActionTarget,
    request: { hard?: boolean },
    options: Options,
  ): Promise<SyncOutcome>;
  terminate(target: ArgoActionTarget, options: Options): Promise<SyncOutcome>;
  rolloutAction(
    target: ArgoActionTarget,
    action: RolloutAction,
    options: Options,
  ): Promise<SyncOutcome>;
  /**
   * Argo CD's own rollback to a history entry. Argo CD refuses it while
   * auto-sync is on (a 409 says so); roll back through Git then.
   */
  rollback(
    target: ArgoActionTarget,
    request: { historyId: number; prune?: boolean },
    options: Options,
  ): Promise<SyncOutcome>;
}
