import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ArgoCdClient, ArgoResourceRef } from '../argocd/types';
import { waitForDeployment } from '../argocd/waitForSync';
import { assessDeployment } from './deploymentProgress';
import { TargetResolver } from '../targets/TargetResolver';
import { ApplicationRefs } from '../snapshots/ApplicationRefs';
import { readEntity } from './catalogEntities';
import { RolloutAction } from '@shipdeck/plugin-gitops-common';
import {
  ArgoActionTarget,
  SyncOutcome,
  SyncRequest,
  SyncService,
} from './SyncService';

// Shipdeck's rollout verbs → Argo CD's Rollout resource actions
// (https://argo-cd.readthedocs.io/en/stable/operator-manual/resource_actions/).
const ROLLOUT_ACTIONS: Record<RolloutAction, string> = {
  promote: 'resume',
  'promote-full': 'promote-full',
  abort: 'abort',
  retry: 'retry',
};

/**
 * Talks to Argo CD for an entity's environments. Mutations here change the
 * cluster's reconciliation, not Git; permissions are checked by
 * AuthorizedSyncService.
 */
export class DefaultSyncService implements SyncService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly targets: TargetResolver,
    private readonly client: ArgoCdClient,
    private readonly refs: ApplicationRefs,
    private readonly afterAction: () => void = () => {},
  ) {}

  async locate(
    ref: CompoundEntityRef,
    environment: string,
    options: { credentials: BackstageCredentials },
  ): Promise<ArgoActionTarget> {
    const entity = await readEntity(this.catalog, ref, options);
    this.targets.requireManaged(entity);
    const [target] = await this.refs.locate(entity, [
      this.targets.resolveEnvironment(entity, environment),
    ]);
    if (target.argocdError) {
      throw new InputError(target.argocdError);
    }
    return {
      entityRef: target.entityRef,
      environment: target.environment,
      application: {
        instance: target.argocd.instance,
        name: target.argocd.name,
        ...(target.argocd.namespace
          ? { namespace: target.argocd.namespace }
          : {}),
        ...(target.argocd.project ? { project: target.argocd.project } : {}),
      },
    };
  }

  async sync(
    target: ArgoActionTarget,
    request: SyncRequest,
  ): Promise<SyncOutcome> {
    const startedAt = new Date().toISOString();
    const app = await this.client.sync(target.application, {
      prune: request.prune,
      dryRun: request.dryRun,
      resources: request.resources,
      infos: [
        {
          name: 'shipdeck',
          value: `sync of ${target.entityRef} in ${target.environment.name}`,
        },
      ],
    });
    this.afterAction();
    if (!request.wait) {
      return {
        ...this.#outcome(
          target,
          'syncing',
          app.status?.operationState?.message ?? 'Sync started',
        ),
        inProgress: true,
      };
    }
    const result = await waitForDeployment(
      this.client,
      target.application,
      { startedAfter: startedAt },
      { timeoutMs: (request.timeoutSeconds ?? 300) * 1000, pollMs: 2000 },
    );
    this.afterAction();
    return this.#outcome(target, result.state, result.reason);
  }

  async refresh(
    target: ArgoActionTarget,
    request: { hard?: boolean },
  ): Promise<SyncOutcome> {
    const app = await this.client.getApplication(target.application, {
      refresh: request.hard ? 'hard' : 'normal',
    });
    this.afterAction();
    const { state, reason } = assessDeployment(app, {});
    return this.#outcome(
      target,
      state,
      `Refreshed (${request.hard ? 'hard' : 'normal'}): ${reason}`,
    );
  }

  async terminate(target: ArgoActionTarget): Promise<SyncOutcome> {
    await this.client.terminateOperation(target.application);
    this.afterAction();
    return this.#outcome(target, 'terminating', 'Operation terminating');
  }

  async rolloutAction(
    target: ArgoActionTarget,
    action: RolloutAction,
  ): Promise<SyncOutcome> {
    const app = await this.client.getApplication(target.application);
    const rollout = (app.status?.resources ?? []).find(
      r => r.kind === 'Rollout' && (r.group ?? 'argoproj.io') === 'argoproj.io',
    );
    if (!rollout?.name) {
      throw new InputError(
        `${target.application.name} has no Argo Rollout to ${action}`,
      );
    }
    const resource: ArgoResourceRef = {
      group: 'argoproj.io',
      version: rollout.version ?? 'v1alpha1',
      kind: 'Rollout',
      name: rollout.name,
      ...(rollout.namespace ? { namespace: rollout.namespace } : {}),
    };
    const argoAction = ROLLOUT_ACTIONS[action];
    const available = await this.client.listResourceActions(
      target.application,
      resource,
    );
    const found = available.find(a => a.name === argoAction);
    if (!found || found.disabled) {
      throw new ConflictError(
        `Cannot ${action} Rollout ${
          rollout.name
        } now: Argo CD's '${argoAction}' action is ${
          found ? 'disabled' : 'not offered'
        } (rollout health ${rollout.health?.status ?? 'Unknown'})`,
      );
    }
    await this.client.runResourceAction(
      target.application,
      resource,
      argoAction,
    );
    this.afterAction();
    return this.#outcome(
      target,
      'requested',
      `Ran ${argoAction} on Rollout ${rollout.name}`,
    );
  }

  async rollback(
    target: ArgoActionTarget,
    request: { historyId: number; prune?: boolean },
  ): Promise<SyncOutcome> {
    const app = await this.client.getApplication(target.application);
    if (app.spec?.syncPolicy?.automated) {
      throw new ConflictError(
        `${target.application.name} has auto-sync on, so Argo CD would undo a rollback at once; roll back through Git instead (POST …/rollbacks)`,
      );
    }
    const history = app.status?.history ?? [];
    const entry = history.find(h => h.id === request.historyId);
    if (!entry) {
      throw new InputError(
        `${target.application.name} has no history entry ${
          request.historyId
        }; it has ${history.map(h => h.id).join(', ') || 'none'}`,
      );
    }
    await this.client.rollback(target.application, {
      id: request.historyId,
      prune: request.prune,
    });
    this.afterAction();
    return this.#outcome(
      target,
      'syncing',
      `Rolling back to history ${request.historyId} (${(
        entry.revision ?? ''
      ).slice(0, 7)})`,
    );
  }

  #outcome(
    target: ArgoActionTarget,
    state: string,
    message: string,
  ): SyncOutcome {
    return {
      application: target.application,
      url: this.client.applicationUrl(target.application),
      state,
      message,
    };
  }
}
