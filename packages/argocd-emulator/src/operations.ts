import { isAutomated } from './applications';
import { applyResource, LiveHook, pruneResource } from './cluster';
import { invalidArgument } from './errors';
import { FaultState } from './faults';
import { Renderer } from './render';
import { compareForSync, HookType, kubectlName, Resource } from './resources';
import {
  AppState,
  Operation,
  OperationPhase,
  OperationRun,
  ResourceResult,
  Timings,
} from './state';
import { Clock, wholeSecond } from './time';

/** What the operation runner needs from the reconciler. */
export interface OperationHost {
  clock: Clock;
  timings: Timings;
  faults: FaultState;
  renderer: Renderer;
  /** Records a change of the app (new resourceVersion, watch event). */
  touch(app: AppState): void;
  event(
    app: AppState,
    reason: string,
    message: string,
    type?: 'Normal' | 'Warning',
  ): void;
  /** Asks for a reconcile of the app after `delayMs`. */
  reconcileSoon(app: AppState, delayMs: number): void;
  /** Whether the app is still known (it may vanish from Git mid-operation). */
  alive(app: AppState): boolean;
}

const HOOK_PHASES: HookType[] = ['PreSync', 'Sync', 'PostSync'];

function selectionKeys(op: Operation): ((r: Resource) => boolean) | undefined {
  const selected = op.sync.resources;
  if (!selected || selected.length === 0) return undefined;
  return r =>
    selected.some(
      s =>
        (s.group ?? '') === r.group &&
        s.kind === r.kind &&
        s.name === r.name &&
        (!s.namespace || s.namespace === r.namespace),
    );
}

function resultOf(
  r: Resource,
): Pick<ResourceResult, 'group' | 'version' | 'kind' | 'namespace' | 'name'> {
  return {
    group: r.group,
    version: r.version,
    kind: r.kind,
    namespace: r.namespace,
    name: r.name,
  };
}

/**
 * The sync operation state machine (the application controller's part):
 * picked up after `operationStartMs`, PreSync hooks, apply, Sync and
 * PostSync hooks, then Succeeded; or Failed (hook failure, termination) or
 * Error (manifests could not be generated).
 */
export class OperationRunner {
  private runs = 0;

  constructor(private readonly host: OperationHost) {}

  /**
   * Sets the app's operation as the API server does (clearing the previous
   * operationState) and schedules the controller to run it.
   */
  start(app: AppState, operation: Operation, startedEvent: string) {
    const run: OperationRun = { id: ++this.runs, cancelled: false, cancel: [] };
    app.operation = operation;
    app.operationState = undefined;
    app.run = run;
    this.host.event(app, 'OperationStarted', startedEvent);
    this.host.touch(app);
    void this.wait(run, this.host.timings.operationStartMs).then(go => {
      if (go) void this.execute(app, run);
    });
  }

  /** Terminates the running operation (DELETE …/operation). */
  terminate(app: AppState) {
    const state = app.operationState;
    const run = app.run;
    if (!app.operation || !state || !run) {
      throw invalidArgument(
        'Unable to terminate operation. No operation is in progress',
      );
    }
    if (state.phase === 'Terminating') return;
    run.cancelled = true;
    run.cancel.splice(0).forEach(cancel => cancel());
    state.phase = 'Terminating';
    for (const r of state.syncResult?.resources ?? []) {
      if (r.hookPhase === 'Running') {
        r.hookPhase = 'Failed';
        r.message = 'Terminated';
      }
    }
    this.host.event(app, 'ResourceUpdated', 'terminated running operation');
    this.host.touch(app);
    setTimeout(
      () => this.finish(app, run, 'Failed', 'Operation terminated'),
      this.host.timings.terminateMs,
    );
  }

  /** Sleeps unless the run is cancelled meanwhile; resolves whether to go on. */
  private wait(run: OperationRun, ms: number): Promise<boolean> {
    return new Promise(resolve => {
      if (run.cancelled) {
        resolve(false);
        return;
      }
      const timer = setTimeout(() => resolve(!run.cancelled), ms);
      run.cancel.push(() => {
        clearTimeout(timer);
        resolve(false);
      });
    });
  }

  private async execute(app: AppState, run: OperationRun) {
    const { host } = this;
    const operation = app.operation;
    if (!operation || !host.alive(app)) return;
    const sync = operation.sync;
    const source = sync.source ?? app.declared.spec.source ?? {};
    const state = {
      operation,
      phase: 'Running' as OperationPhase,
      message: 'one or more tasks are running',
      startedAt: host.clock(),
      syncResult: {
        revision: sync.revision,
        resources: [] as ResourceResult[],
        source,
      },
    };
    app.operationState = state;
    host.touch(app);

    let rendered;
    try {
      rendered = await host.renderer.render({
        sha: sync.revision,
        source,
        appName: app.name,
        namespace: app.declared.spec.destination?.namespace ?? '',
      });
    } catch (error) {
      if (!run.cancelled) {
        this.finish(
          app,
          run,
          'Error',
          `ComparisonError: Failed to load target state: failed to generate manifest for source 1 of 1: ${
            (error as Error).message
          }`,
        );
      }
      return;
    }
    if (run.cancelled || !host.alive(app)) return;

    const selected = selectionKeys(operation);
    const dryRun = !!sync.dryRun;
    const runHooks = !dryRun && !selected;
    const hooksOf = (type: HookType) =>
      runHooks
        ? rendered.resources
            .filter(r => r.hookTypes.includes(type))
            .sort(compareForSync)
        : [];
    const targets = rendered.resources
      .filter(r => r.hookTypes.length === 0)
      .filter(r => !selected || selected(r))
      .sort(compareForSync);

    // PreSync hooks, then the manifests (with Sync hooks), then PostSync hooks.
    if (!(await this.runHooks(app, run, hooksOf('PreSync'), 'PreSync'))) return;

    state.message = 'one or more tasks are running';
    host.touch(app);
    if (!(await this.wait(run, host.timings.syncMs))) return;
    const hooksAfter = HOOK_PHASES.slice(1).some(
      type => hooksOf(type).length > 0,
    );
    // Without hooks after it, applying ends the operation: both happen in
    // one step, in a later second than the last reconcile (see finish()).
    if (!hooksAfter && !(await this.alignToNextSecond(app, run))) return;
    if (!host.alive(app)) return;

    const now = host.clock();
    const live = app.live;
    const results: ResourceResult[] = [];
    const suffix = dryRun ? ' (dry run)' : '';
    for (const r of targets) {
      const previous = live.resources.get(r.key);
      let verb = 'created';
      if (previous)
        verb = previous.resource.hash === r.hash ? 'unchanged' : 'configured';
      results.push({
        ...resultOf(r),
        status: 'Synced',
        message: `${kubectlName(r)} ${verb}${suffix}`,
        syncPhase: 'Sync',
        images: r.images.length ? r.images : undefined,
      });
      if (!dryRun) applyResource(live, r, now, host.timings.progressingMs);
    }
    const targetKeys = new Set(rendered.resources.map(r => r.key));
    const prune = !!sync.prune;
    for (const [key, l] of [...live.resources]) {
      if (targetKeys.has(key) || (selected && !selected(l.resource))) continue;
      results.push({
        ...resultOf(l.resource),
        status: prune ? 'Pruned' : 'PruneSkipped',
        message: prune ? `pruned${suffix}` : 'ignored (requires pruning)',
        syncPhase: 'Sync',
      });
      if (prune && !dryRun) pruneResource(live, key);
    }
    state.syncResult.resources.push(...results);
    host.touch(app);

    for (const type of HOOK_PHASES.slice(1)) {
      if (!(await this.runHooks(app, run, hooksOf(type), type))) return;
    }
    this.finish(
      app,
      run,
      'Succeeded',
      dryRun
        ? 'successfully synced (no more tasks)'
        : 'successfully synced (all tasks run)',
    );
  }

  /** Runs one hook phase; resolves false when the operation ended (failed or terminated). */
  private async runHooks(
    app: AppState,
    run: OperationRun,
    hooks: Resource[],
    type: HookType,
  ): Promise<boolean> {
    if (hooks.length === 0) return true;
    const { host } = this;
    const state = app.operationState!;
    const now = host.clock();
    const entries: ResourceResult[] = hooks.map(h => ({
      ...resultOf(h),
      hookType: type,
      hookPhase: 'Running',
      syncPhase: type as ResourceResult['syncPhase'],
      message: '',
      images: h.images.length ? h.images : undefined,
    }));
    state.syncResult!.resources.push(...entries);
    const first = hooks[0];
    state.message = `waiting for completion of hook ${first.group}/${
      first.kind
    }/${first.name}${
      hooks.length > 1 ? ` and ${hooks.length - 1} more hooks` : ''
    }`;
    for (const h of hooks) {
      const hook: LiveHook = {
        resource: h,
        uid: `${app.uid}-${h.key}`,
        createdAt: now,
        phase: 'Running',
      };
      app.live.hooks.set(h.key, hook);
    }
    host.touch(app);
    if (!(await this.wait(run, host.timings.hookMs))) return false;
    if (!host.alive(app)) return false;

    let failed = false;
    hooks.forEach((h, i) => {
      const fails = host.faults.hookFails(app.namespace, app.name, h.name);
      failed ||= fails;
      entries[i].hookPhase = fails ? 'Failed' : 'Succeeded';
      entries[i].message = fails
        ? 'Job has reached the specified backoff limit'
        : 'Reached expected number of succeeded pods';
      app.live.hooks.set(h.key, {
        ...app.live.hooks.get(h.key)!,
        phase: fails ? 'Failed' : 'Succeeded',
        message: entries[i].message,
      });
    });
    host.touch(app);
    if (failed) {
      this.finish(
        app,
        run,
        'Failed',
        'one or more synchronization tasks completed unsuccessfully',
      );
      return false;
    }
    return true;
  }

  /**
   * Waits, if needed, until the current second is later than the app's last
   * reconcile, so that an operation finishing now cannot share its served
   * (whole-second) timestamp with a comparison made before it.
   */
  private async alignToNextSecond(
    app: AppState,
    run: OperationRun,
  ): Promise<boolean> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = this.host.clock();
      if (
        app.reconciledAt === undefined ||
        wholeSecond(app.reconciledAt) < wholeSecond(now)
      ) {
        return true;
      }
      if (!(await this.wait(run, 1000 - (now % 1000) + 5))) return false;
    }
    return !run.cancelled;
  }

  /**
   * Ends the operation. Served timestamps have whole-second precision, so an
   * operation never finishes in the same second as the app's last reconcile:
   * `reconciledAt >= finishedAt` then really means "compared after the end".
   */
  private finish(
    app: AppState,
    run: OperationRun,
    phase: OperationPhase,
    message: string,
    attempt = 0,
  ) {
    const { host } = this;
    if (app.run !== run || !host.alive(app)) return;
    const state = app.operationState;
    if (!state) return;
    const now = host.clock();
    if (
      app.reconciledAt !== undefined &&
      wholeSecond(app.reconciledAt) >= wholeSecond(now) &&
      attempt < 3
    ) {
      setTimeout(
        () => this.finish(app, run, phase, message, attempt + 1),
        1000 - (now % 1000) + 5,
      );
      return;
    }
    state.phase = phase;
    state.message = message;
    state.finishedAt = now;
    app.operation = undefined;
    app.run = undefined;
    const sync = state.operation.sync;
    if (phase === 'Succeeded') {
      app.syncError = undefined;
      if (!sync.dryRun && !(sync.resources && sync.resources.length > 0)) {
        const last = app.history[app.history.length - 1];
        app.history.push({
          id: last ? last.id + 1 : 0,
          revision: sync.revision,
          source: state.syncResult?.source,
          deployStartedAt: state.startedAt,
          deployedAt: now,
          initiatedBy: state.operation.initiatedBy,
        });
        const limit = app.declared.spec.revisionHistoryLimit ?? 10;
        if (app.history.length > limit)
          app.history.splice(0, app.history.length - limit);
      }
      host.event(
        app,
        'OperationCompleted',
        `Sync operation to ${sync.revision} succeeded`,
      );
    } else {
      if (state.operation.initiatedBy.automated && isAutomated(app.declared)) {
        app.syncError = {
          type: 'SyncError',
          message: `Failed last sync attempt to ${sync.revision}: ${message}`,
          lastTransitionTime: now,
        };
      }
      host.event(
        app,
        'OperationCompleted',
        `Sync operation to ${sync.revision} failed: ${message}`,
        'Warning',
      );
    }
    host.touch(app);
    host.reconcileSoon(app, host.timings.postOperationReconcileMs);
  }
}
