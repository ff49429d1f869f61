import { appKey, isAutomated } from './applications';
import {
  appNotFound,
  failedPrecondition,
  invalidArgument,
  notFound,
  permissionDenied,
  unknownError,
} from './errors';
import { Reconciler } from './reconciler';
import { GitRepo, isCommitSha } from './repo';
import {
  ResourceAction,
  ROLLOUT_ACTIONS,
  rolloutActions,
  runRolloutAction,
} from './rollouts';
import {
  AppState,
  Info,
  Operation,
  SyncOperationResource,
  Timings,
} from './state';
import { Clock } from './time';

/** Body of POST …/sync (applicationApplicationSyncRequest), the fields used. */
export interface SyncRequest {
  revision?: string;
  prune?: boolean;
  dryRun?: boolean;
  resources?: SyncOperationResource[];
  infos?: Info[];
  syncOptions?: { items?: string[] };
  strategy?: Record<string, unknown>;
  retryStrategy?: Record<string, unknown>;
  revisions?: string[];
  sourcePositions?: string[];
}

export interface ResourceRef {
  namespace?: string;
  resourceName: string;
  group?: string;
  kind: string;
  version?: string;
}

export interface CommandOptions {
  repo: GitRepo;
  username: string;
  clock: Clock;
  timings: Timings;
}

/**
 * What the API server does to Applications (as opposed to the controller):
 * finding them under Argo CD's RBAC rules, sync, rollback, terminate and
 * resource actions, with Argo CD's refusals.
 */
export class Commands {
  constructor(
    private readonly reconciler: Reconciler,
    private readonly options: CommandOptions,
  ) {}

  /**
   * Finds an app as Argo CD's getAppEnforceRBAC does: without `project`, a
   * missing app is indistinguishable from a forbidden one (403); with it, a
   * missing app or one of another project is NotFound.
   */
  find(name: string, appNamespace?: string, project?: string): AppState {
    const app = this.reconciler.apps.get(appKey(appNamespace, name));
    if (!app) {
      if (project) throw appNotFound(name);
      throw permissionDenied();
    }
    if (project && app.declared.spec.project !== project)
      throw appNotFound(name);
    return app;
  }

  private async resolveRevision(revision: string): Promise<string> {
    const sha = await this.options.repo.resolve(revision);
    if (!sha) {
      throw failedPrecondition(
        `unable to resolve '${revision}' to a commit SHA`,
      );
    }
    return sha;
  }

  /** POST …/sync. Resolves with the app (operation set, operationState cleared). */
  async sync(app: AppState, request: SyncRequest): Promise<AppState> {
    const spec = app.declared.spec;
    if (request.revisions?.length || request.sourcePositions?.length) {
      throw invalidArgument(
        'multi-source sync (revisions, sourcePositions) is not supported by the emulator',
      );
    }
    const targetRevision = spec.source?.targetRevision || 'HEAD';
    const wanted = request.revision || '';
    if (
      wanted &&
      wanted !== targetRevision &&
      isAutomated(app.declared) &&
      !request.dryRun
    ) {
      throw failedPrecondition(
        `Cannot sync to ${wanted}: auto-sync currently set to ${
          spec.source?.targetRevision ?? ''
        }`,
      );
    }
    const revision = wanted || targetRevision;
    const sha = await this.resolveRevision(revision);
    if (app.operation)
      throw failedPrecondition('another operation is already in progress');
    const operation: Operation = {
      sync: {
        revision: sha,
        prune: request.prune || undefined,
        dryRun: request.dryRun || undefined,
        resources: request.resources?.length ? request.resources : undefined,
        syncOptions: request.syncOptions?.items ?? spec.syncPolicy?.syncOptions,
        syncStrategy: request.strategy,
      },
      initiatedBy: { username: this.options.username },
      info: request.infos?.length ? request.infos : undefined,
      retry: request.retryStrategy,
    };
    const display = isCommitSha(revision) ? revision : `${revision} (${sha})`;
    const partial = operation.sync.resources ? 'partial ' : '';
    this.reconciler.operations.start(
      app,
      operation,
      `${this.options.username} initiated ${partial}sync to ${display}`,
    );
    return app;
  }

  /** POST …/rollback: a sync to a history entry's revision and source. */
  rollback(
    app: AppState,
    request: { id?: number | string; prune?: boolean; dryRun?: boolean },
  ): AppState {
    if (isAutomated(app.declared)) {
      throw failedPrecondition(
        'rollback cannot be initiated when auto-sync is enabled',
      );
    }
    const id = Number(request.id ?? 0);
    const entry = app.history.find(h => h.id === id);
    if (!entry) {
      throw invalidArgument(
        `application ${app.namespace}/${app.name} does not have deployment with id ${id}`,
      );
    }
    if (app.operation)
      throw failedPrecondition('another operation is already in progress');
    this.reconciler.operations.start(
      app,
      {
        sync: {
          revision: entry.revision,
          prune: request.prune || undefined,
          dryRun: request.dryRun || undefined,
          source: entry.source,
          syncOptions: app.declared.spec.syncPolicy?.syncOptions,
          syncStrategy: { apply: {} },
        },
        initiatedBy: { username: this.options.username },
      },
      `${this.options.username} initiated rollback to ${id}`,
    );
    return app;
  }

  /** DELETE …/operation. */
  terminate(app: AppState) {
    this.reconciler.operations.terminate(app);
  }

  private liveResourceFor(app: AppState, ref: ResourceRef) {
    for (const l of app.live.resources.values()) {
      const r = l.resource;
      if (
        r.kind === ref.kind &&
        r.name === ref.resourceName &&
        r.group === (ref.group ?? '') &&
        (!ref.namespace || r.namespace === ref.namespace)
      ) {
        return l;
      }
    }
    throw notFound(
      `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${
        ref.resourceName
      } not found as part of application ${app.name}`,
    );
  }

  /** GET …/resource/actions. */
  actions(app: AppState, ref: ResourceRef): ResourceAction[] {
    const l = this.liveResourceFor(app, ref);
    if (l.rollout) return rolloutActions(l.rollout);
    if (
      l.resource.kind === 'Deployment' ||
      l.resource.kind === 'StatefulSet' ||
      l.resource.kind === 'DaemonSet'
    ) {
      const list: ResourceAction[] = [{ name: 'restart', disabled: false }];
      if (l.resource.kind === 'Deployment') {
        list.push(
          { name: 'pause', disabled: !!l.paused },
          { name: 'resume', disabled: !l.paused },
        );
      }
      return list;
    }
    return [];
  }

  /** POST …/resource/actions/v2: patches the live object (never Git). */
  runAction(app: AppState, ref: ResourceRef, action: string) {
    const l = this.liveResourceFor(app, ref);
    const now = this.options.clock();
    const timings = { progressingMs: this.options.timings.progressingMs };
    const available = this.actions(app, ref).map(a => a.name);
    if (
      !available.includes(action) &&
      !(l.rollout && ROLLOUT_ACTIONS.includes(action))
    ) {
      throw unknownError(
        `error getting Lua resource action: action ${action} not found`,
      );
    }
    const updated = { ...l };
    if (l.rollout) {
      updated.rollout = runRolloutAction(l.rollout, action, now, timings);
    } else if (action === 'pause' || action === 'resume') {
      updated.paused = action === 'pause';
    } else if (action === 'restart' && l.workload) {
      updated.workload = {
        ...l.workload,
        previousImages: [],
        outcome: undefined,
        progressUntil: now + timings.progressingMs,
      };
    }
    app.live.resources.set(l.resource.key, updated);
    const r = l.resource;
    this.reconciler.event(
      app,
      'ResourceActionRan',
      `ran action ${action} on resource ${r.group}/${r.kind}/${r.name}`,
    );
    this.reconciler.touch(app);
    // The controller sees the object change (a watch event) and reconciles.
    this.reconciler.reconcileSoon(app, 0);
  }
}
