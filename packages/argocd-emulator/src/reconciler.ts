import { randomUUID } from 'node:crypto';
import {
  appKey,
  APPLICATIONS_DIR,
  DEFAULT_APP_NAMESPACE,
  DeclaredApplication,
  isAutomated,
  readApplicationsAt,
} from './applications';
import {
  advance,
  applyResource,
  emptyLiveState,
  liveHealth,
  liveImages,
  nextTransition,
} from './cluster';
import { FaultState } from './faults';
import { aggregateHealth, Health } from './health';
import { OperationRunner } from './operations';
import { Renderer } from './render';
import { GitRepo } from './repo';
import { compareRefs, Resource, shortHash, stableStringify } from './resources';
import { AppState, ResourceStatus, Timings } from './state';
import { Clock } from './time';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ReconcilerOptions {
  repo: GitRepo;
  renderer: Renderer;
  branch: string;
  timings: Timings;
  clock: Clock;
  faults: FaultState;
  /** Account name API-initiated operations are recorded under. */
  username: string;
  /** Treat apps present at start-up as already deployed (default true). */
  adoptExisting: boolean;
  log?: (message: string) => void;
}

interface Batch {
  all: boolean;
  keys: Set<string>;
  hard: Set<string>;
  promise?: Promise<void>;
}

/**
 * The application controller of the emulator: keeps every Application's
 * state in memory, reconciles it against Git on every poll (and on demand),
 * runs auto-sync and delegates operations to the OperationRunner. The HTTP
 * layer only reads this state, so list/get never touch Git.
 */
export class Reconciler {
  readonly apps = new Map<string, AppState>();
  /** The operation state machine (used by Commands). */
  readonly operations: OperationRunner;
  private readonly listeners = new Set<
    (type: ChangeType, app: AppState) => void
  >();
  private resourceVersion = 0;
  private declaredFrom?: string;
  private initialised = false;
  private pending?: Batch;
  private chain: Promise<void> = Promise.resolve();
  private pollTimer?: ReturnType<typeof setInterval>;
  private stopped = false;
  /** Why the last reconcile could not read the repository, if it could not. */
  notReady?: string;
  lastReconcileAt?: number;

  constructor(private readonly options: ReconcilerOptions) {
    this.operations = new OperationRunner({
      clock: options.clock,
      timings: options.timings,
      faults: options.faults,
      renderer: options.renderer,
      touch: app => this.touch(app),
      event: (app, reason, message, type) =>
        this.event(app, reason, message, type),
      reconcileSoon: (app, delay) => this.reconcileSoon(app, delay),
      alive: app => this.apps.get(app.key) === app,
    });
  }

  /** The list's `metadata.resourceVersion`: bumps on every change of any app. */
  get currentResourceVersion(): number {
    return this.resourceVersion;
  }

  onChange(listener: (type: ChangeType, app: AppState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  startPolling() {
    this.stopped = false;
    if (this.pollTimer) return;
    void this.reconcile();
    this.pollTimer = setInterval(() => {
      void this.reconcile();
    }, this.options.timings.pollIntervalMs);
    this.pollTimer.unref?.();
  }

  stop() {
    this.stopped = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = undefined;
    for (const app of this.apps.values()) {
      if (app.wakeTimer) clearTimeout(app.wakeTimer);
      if (app.run) {
        app.run.cancelled = true;
        app.run.cancel.splice(0).forEach(c => c());
      }
    }
  }

  /**
   * Reconciles (all apps, or the given keys) in a pass that starts after
   * this call; resolves when that pass is done. Concurrent requests share a
   * pass, so a burst of refreshes costs one Git read.
   */
  reconcile(keys?: string[], options: { hard?: boolean } = {}): Promise<void> {
    if (!this.pending) {
      const batch: Batch = { all: false, keys: new Set(), hard: new Set() };
      this.pending = batch;
      batch.promise = this.chain.then(async () => {
        if (this.pending === batch) this.pending = undefined;
        try {
          await this.pass(batch);
        } catch (error) {
          this.options.log?.(`reconcile failed: ${(error as Error).message}`);
        }
      });
      this.chain = batch.promise;
    }
    const batch = this.pending;
    if (!keys) batch.all = true;
    for (const key of keys ?? []) {
      batch.keys.add(key);
      if (options.hard) batch.hard.add(key);
    }
    return batch.promise!;
  }

  /** Asks for a reconcile of one app after `delayMs` (a watch event, in Argo CD). */
  reconcileSoon(app: AppState, delayMs: number) {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      if (!this.stopped) void this.reconcile([app.key]);
    }, delayMs);
    timer.unref?.();
  }

  /** Records a change of an app: new resourceVersion, watch event. */
  touch(app: AppState) {
    app.resourceVersion = ++this.resourceVersion;
    app.view = undefined;
    if (this.apps.get(app.key) === app) this.emit('MODIFIED', app);
  }

  private emit(type: ChangeType, app: AppState) {
    for (const listener of this.listeners) {
      try {
        listener(type, app);
      } catch (error) {
        this.options.log?.(`listener failed: ${(error as Error).message}`);
      }
    }
  }

  /** Records an Application event (`GET …/events`). */
  event(
    app: AppState,
    reason: string,
    message: string,
    type: 'Normal' | 'Warning' = 'Normal',
  ) {
    const now = this.options.clock();
    const last = app.events[app.events.length - 1];
    if (last && last.reason === reason && last.message === message) {
      last.count++;
      last.lastTimestamp = now;
      return;
    }
    app.events.push({
      uid: randomUUID(),
      reason,
      message,
      type,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      component:
        reason === 'OperationStarted' || reason === 'ResourceActionRan'
          ? 'argocd-server'
          : 'argocd-application-controller',
    });
    if (app.events.length > 200) app.events.splice(0, app.events.length - 200);
  }

  // ---- the reconcile pass -------------------------------------------------

  private async pass(batch: Batch) {
    const { repo, branch, clock } = this.options;
    if (!(await repo.exists())) {
      this.notReady = `repository ${repo.gitDir} does not exist (yet)`;
      return;
    }
    const head = await repo.resolve(branch);
    if (!head) {
      this.notReady = `branch ${branch} does not exist (yet) in ${repo.gitDir}`;
      return;
    }
    this.notReady = undefined;

    const tree = await repo.tree(head);
    const declaredFrom = tree.get(APPLICATIONS_DIR)?.id ?? 'none';
    const added: AppState[] = [];
    if (declaredFrom !== this.declaredFrom) {
      const declared = await readApplicationsAt(repo, head);
      added.push(...this.syncDeclared(declared));
      this.declaredFrom = declaredFrom;
    }
    this.initialised = true;

    const targets = batch.all
      ? [...this.apps.values()]
      : [
          ...new Set([
            ...[...batch.keys]
              .map(k => this.apps.get(k))
              .filter((a): a is AppState => !!a),
            ...added,
          ]),
        ];

    const resolved = new Map<string, Promise<string | undefined>>([
      [branch, Promise.resolve(head)],
    ]);
    const resolveRev = (rev: string) => {
      let p = resolved.get(rev);
      if (!p) {
        p = repo.resolve(rev);
        resolved.set(rev, p);
      }
      return p;
    };
    await Promise.all(
      targets.map(app =>
        this.refreshTarget(app, resolveRev, batch.hard.has(app.key)),
      ),
    );

    const now = clock();
    for (const app of targets) {
      if (this.apps.get(app.key) === app) this.evaluate(app, now);
    }
    this.lastReconcileAt = now;
  }

  /** Adds, updates and removes apps to match Git; returns the new ones. */
  private syncDeclared(declared: DeclaredApplication[]): AppState[] {
    const now = this.options.clock();
    const seen = new Set<string>();
    const added: AppState[] = [];
    for (const d of declared) {
      const namespace = d.metadata.namespace || DEFAULT_APP_NAMESPACE;
      const key = appKey(namespace, d.metadata.name);
      seen.add(key);
      const specHash = shortHash(stableStringify(d.spec), 16);
      const existing = this.apps.get(key);
      if (existing) {
        const metaChanged =
          stableStringify(existing.declared.metadata) !==
          stableStringify(d.metadata);
        if (existing.specHash !== specHash || metaChanged) {
          if (existing.specHash !== specHash) existing.generation++;
          existing.declared = d;
          existing.specHash = specHash;
          this.touch(existing);
        }
        continue;
      }
      const app: AppState = {
        key,
        namespace,
        name: d.metadata.name,
        declared: d,
        specHash,
        uid: randomUUID(),
        createdAt: now,
        generation: 1,
        resourceVersion: 0,
        adoptPending: this.options.adoptExisting && !this.initialised,
        live: emptyLiveState(),
        syncStatus: 'Unknown',
        health: { status: 'Unknown', lastTransitionTime: now },
        resources: [],
        images: [],
        conditions: [],
        history: [],
        events: [],
      };
      this.apps.set(key, app);
      app.resourceVersion = ++this.resourceVersion;
      this.emit('ADDED', app);
      added.push(app);
    }
    for (const [key, app] of [...this.apps]) {
      if (seen.has(key)) continue;
      this.apps.delete(key);
      if (app.wakeTimer) clearTimeout(app.wakeTimer);
      if (app.run) {
        app.run.cancelled = true;
        app.run.cancel.splice(0).forEach(c => c());
      }
      app.resourceVersion = ++this.resourceVersion;
      app.view = undefined;
      this.emit('DELETED', app);
    }
    return added;
  }

  /** Resolves the target revision and renders when the commit or spec changed. */
  private async refreshTarget(
    app: AppState,
    resolveRev: (rev: string) => Promise<string | undefined>,
    hard: boolean,
  ) {
    const spec = app.declared.spec;
    if (spec.sources && spec.sources.length > 0 && !spec.source) {
      app.targetError =
        'multi-source applications (spec.sources) are not supported by the emulator';
      app.rendered = undefined;
      return;
    }
    const revision = spec.source?.targetRevision || 'HEAD';
    const sha = await resolveRev(revision);
    if (!sha) {
      app.targetError = `Failed to load target state: failed to generate manifest for source 1 of 1: rpc error: code = Unknown desc = unable to resolve '${revision}' to a commit SHA`;
      app.rendered = undefined;
      app.targetSha = undefined;
      app.renderedFor = undefined;
      return;
    }
    const renderedFor = `${sha}|${app.specHash}`;
    if (renderedFor === app.renderedFor && !hard) return;
    app.targetSha = sha;
    app.renderedFor = renderedFor;
    try {
      app.rendered = await this.options.renderer.render(
        {
          sha,
          source: spec.source ?? {},
          appName: app.name,
          namespace: spec.destination?.namespace ?? '',
        },
        { noCache: hard },
      );
      app.targetError = undefined;
    } catch (error) {
      app.rendered = undefined;
      app.targetError = `Failed to load target state: failed to generate manifest for source 1 of 1: rpc error: code = Unknown desc = ${
        (error as Error).message
      }`;
    }
  }

  /** Compares target and live, computes health, runs auto-sync. Synchronous. */
  private evaluate(app: AppState, now: number) {
    const { faults, timings } = this.options;
    const rendered = app.rendered;
    if (app.adoptPending && rendered) {
      for (const r of rendered.resources) {
        if (r.hookTypes.length === 0)
          applyResource(app.live, r, now, timings.progressingMs, true);
      }
      app.adoptPending = false;
    }
    advance(app.live, now, faults.degrades(app.namespace, app.name));

    const statuses: ResourceStatus[] = [];
    const healths: Array<Health | undefined> = [];
    let syncStatus: AppState['syncStatus'] = 'Synced';
    if (!rendered) {
      syncStatus = 'Unknown';
      for (const l of app.live.resources.values()) {
        const health = liveHealth(l, now);
        healths.push(health);
        statuses.push({ ...refOf(l.resource), status: 'OutOfSync', health });
      }
    } else {
      const targetKeys = new Set<string>();
      for (const r of rendered.resources) {
        if (r.hookTypes.length > 0) continue;
        targetKeys.add(r.key);
        const l = app.live.resources.get(r.key);
        const health: Health | undefined = l
          ? liveHealth(l, now)
          : { status: 'Missing' };
        const synced = !!l && l.resource.hash === r.hash;
        if (!synced) syncStatus = 'OutOfSync';
        healths.push(health);
        statuses.push({
          ...refOf(r),
          status: synced ? 'Synced' : 'OutOfSync',
          health,
          syncWave: r.syncWave || undefined,
        });
      }
      for (const [key, l] of app.live.resources) {
        if (targetKeys.has(key)) continue;
        syncStatus = 'OutOfSync';
        const health = liveHealth(l, now);
        healths.push(health);
        statuses.push({
          ...refOf(l.resource),
          status: 'OutOfSync',
          health,
          requiresPruning: true,
        });
      }
    }
    statuses.sort(compareRefs);

    const health = aggregateHealth(healths);
    if (health.status !== app.health.status) {
      if (app.reconciledAt !== undefined) {
        this.event(
          app,
          'ResourceUpdated',
          `Updated health status: ${app.health.status} -> ${health.status}`,
        );
      }
      app.health = { status: health.status, lastTransitionTime: now };
    }
    if (syncStatus !== app.syncStatus) {
      if (app.reconciledAt !== undefined) {
        this.event(
          app,
          'ResourceUpdated',
          `Updated sync status: ${app.syncStatus} -> ${syncStatus}`,
        );
      }
      app.syncStatus = syncStatus;
    }
    app.resources = statuses;
    const images = new Set<string>();
    for (const l of app.live.resources.values())
      liveImages(l).forEach(i => images.add(i));
    app.images = [...images].sort();
    app.conditions = [];
    if (app.targetError) {
      app.conditions.push({
        type: 'ComparisonError',
        message: app.targetError,
        lastTransitionTime: now,
      });
    }
    app.reconciledAt = now;

    this.autoSync(app, now);
    if (app.syncError) app.conditions.push(app.syncError);
    this.touch(app);
    this.scheduleWake(app, now);
  }

  /** Argo CD's automated sync decision (controller autoSync). */
  private autoSync(app: AppState, now: number) {
    const d = app.declared;
    if (
      !isAutomated(d) ||
      app.operation ||
      app.syncStatus !== 'OutOfSync' ||
      !app.targetSha ||
      !app.rendered
    ) {
      return;
    }
    const automated = d.spec.syncPolicy!.automated!;
    const outOfSync = app.resources.filter(r => r.status === 'OutOfSync');
    if (!automated.prune && outOfSync.every(r => r.requiresPruning)) return;
    if (
      !automated.allowEmpty &&
      app.rendered.resources.every(r => r.hookTypes.length > 0)
    )
      return;
    const last = app.operationState;
    if (
      last?.syncResult?.revision === app.targetSha ||
      last?.operation.sync.revision === app.targetSha
    ) {
      if (last.phase !== 'Succeeded') return;
      if (!automated.selfHeal) return;
      if (
        last.finishedAt !== undefined &&
        now - last.finishedAt < this.options.timings.selfHealMs
      )
        return;
    }
    app.syncError = undefined;
    this.operations.start(
      app,
      {
        sync: {
          revision: app.targetSha,
          prune: automated.prune || undefined,
          syncOptions: d.spec.syncPolicy?.syncOptions,
        },
        initiatedBy: { automated: true },
        retry: d.spec.syncPolicy?.retry,
      },
      `initiated automated sync to '${app.targetSha}'`,
    );
  }

  private scheduleWake(app: AppState, now: number) {
    if (app.wakeTimer) clearTimeout(app.wakeTimer);
    app.wakeTimer = undefined;
    const due = nextTransition(app.live);
    if (due === undefined || this.stopped) return;
    app.wakeTimer = setTimeout(() => {
      app.wakeTimer = undefined;
      if (!this.stopped) void this.reconcile([app.key]);
    }, Math.max(0, due - now) + 10);
    app.wakeTimer.unref?.();
  }
}

function refOf(r: Resource) {
  return {
    group: r.group,
    version: r.version,
    kind: r.kind,
    namespace: r.namespace,
    name: r.name,
  };
}
