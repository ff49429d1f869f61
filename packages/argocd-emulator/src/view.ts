import { liveHealth, liveImages, replicasOf } from './cluster';
import { compareStrings, templateHash } from './resources';
import {
  AppEvent,
  AppState,
  HistoryEntry,
  Operation,
  OperationState,
} from './state';
import { formatTime } from './time';

/*
 * The JSON Argo CD serves, built from the in-memory state. Argo CD marshals
 * its Go structs with `omitempty`: false booleans, empty strings, empty
 * lists and nil objects are left out, and so they are here.
 */

type Json = Record<string, any>;

/** Health Argo CD gives a hook Job by its phase. */
const HOOK_HEALTH = {
  Running: 'Progressing',
  Succeeded: 'Healthy',
  Failed: 'Degraded',
} as const;

/** Drops undefined, false, '' and [] members (Go's omitempty), one level. */
export function compact<T extends Json>(value: T): T {
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined || v === null || v === false || v === '') continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out[k] = v;
  }
  return out as T;
}

function operationView(op: Operation): Json {
  return compact({
    sync: compact({
      revision: op.sync.revision,
      prune: op.sync.prune,
      dryRun: op.sync.dryRun,
      resources: op.sync.resources?.map(r => compact({ ...r })),
      syncOptions: op.sync.syncOptions,
      syncStrategy: op.sync.syncStrategy,
      source: op.sync.source,
    }),
    initiatedBy: compact({ ...op.initiatedBy }),
    info: op.info,
    retry: op.retry,
  });
}

function operationStateView(state: OperationState): Json {
  return compact({
    operation: operationView(state.operation),
    phase: state.phase,
    message: state.message,
    startedAt: formatTime(state.startedAt),
    finishedAt:
      state.finishedAt !== undefined ? formatTime(state.finishedAt) : undefined,
    retryCount: state.retryCount,
    syncResult: state.syncResult
      ? compact({
          revision: state.syncResult.revision,
          source: state.syncResult.source,
          resources: state.syncResult.resources.map(r => compact({ ...r })),
        })
      : undefined,
  });
}

function historyView(h: HistoryEntry): Json {
  return compact({
    id: h.id,
    revision: h.revision,
    source: h.source,
    deployStartedAt: formatTime(h.deployStartedAt),
    deployedAt: formatTime(h.deployedAt),
    initiatedBy: compact({ ...h.initiatedBy }),
  });
}

/** The Application as `GET /api/v1/applications/{name}` serves it (cached per resourceVersion). */
export function applicationView(app: AppState): Json {
  if (app.view?.resourceVersion === app.resourceVersion) return app.view.value;
  const d = app.declared;
  const spec = d.spec;
  const value: Json = {
    metadata: compact({
      name: app.name,
      namespace: app.namespace,
      uid: app.uid,
      resourceVersion: String(app.resourceVersion),
      generation: app.generation,
      creationTimestamp: formatTime(app.createdAt),
      labels: d.metadata.labels,
      annotations: d.metadata.annotations,
    }),
    spec,
    status: compact({
      resources: app.resources.map(r =>
        compact({
          ...r,
          health: r.health
            ? compact({ status: r.health.status, message: r.health.message })
            : undefined,
        }),
      ),
      sync: compact({
        status: app.syncStatus,
        comparedTo: compact({
          source: spec.source,
          destination: spec.destination,
        }),
        revision: app.targetSha,
      }),
      health: compact({
        status: app.health.status,
        message: app.health.message,
        lastTransitionTime: formatTime(app.health.lastTransitionTime),
      }),
      history: app.history.map(historyView),
      conditions: app.conditions.map(c =>
        compact({
          type: c.type,
          message: c.message,
          lastTransitionTime: formatTime(c.lastTransitionTime),
        }),
      ),
      reconciledAt:
        app.reconciledAt !== undefined
          ? formatTime(app.reconciledAt)
          : undefined,
      operationState: app.operationState
        ? operationStateView(app.operationState)
        : undefined,
      sourceType: app.rendered?.sourceType,
      summary: app.images.length ? { images: app.images } : undefined,
      controllerNamespace: 'argocd',
    }),
  };
  if (app.operation) value.operation = operationView(app.operation);
  app.view = { resourceVersion: app.resourceVersion, value };
  return value;
}

/** `GET …/resource-tree`: live objects, with ReplicaSets and Pods under workloads. */
export function resourceTreeView(app: AppState, now: number): Json {
  const nodes: Json[] = [];
  const created = (ms: number) => formatTime(ms);
  for (const l of app.live.resources.values()) {
    const r = l.resource;
    const health = liveHealth(l, now);
    const images = liveImages(l);
    const ref = {
      group: r.group,
      version: r.version,
      kind: r.kind,
      namespace: r.namespace,
      name: r.name,
      uid: l.uid,
    };
    const info: Json[] = [];
    if (l.rollout)
      info.push({ name: 'Revision', value: `Rev:${l.rollout.revision}` });
    nodes.push(
      compact({
        ...compact(ref),
        resourceVersion: String(Math.floor(l.updatedAt / 1000)),
        health: health
          ? compact({ status: health.status, message: health.message })
          : undefined,
        images,
        info,
        createdAt: created(l.createdAt),
      }),
    );
    // Children: the ReplicaSet(s) of Deployments and Rollouts, and their Pods.
    const replicaSets: Array<{
      hash: string;
      images: string[];
      replicas: number;
      rev?: number;
    }> = [];
    if (l.workload) {
      replicaSets.push({
        hash: templateHash(r.kind, r.manifest),
        images: r.images,
        replicas: replicasOf(r),
      });
    } else if (l.rollout) {
      const ro = l.rollout;
      replicaSets.push({
        hash: ro.stableRS,
        images: ro.stableImages,
        replicas: replicasOf(r),
      });
      if (ro.currentPodHash !== ro.stableRS && !ro.abort) {
        replicaSets.push({
          hash: ro.currentPodHash,
          images: ro.currentImages,
          replicas: replicasOf(r),
          rev: ro.revision,
        });
      }
    }
    if (r.kind === 'Deployment' || r.kind === 'Rollout') {
      for (const rs of replicaSets) {
        const rsName = `${r.name}-${rs.hash}`;
        const rsUid = `${l.uid}-${rs.hash}`;
        nodes.push(
          compact({
            group: 'apps',
            version: 'v1',
            kind: 'ReplicaSet',
            namespace: r.namespace,
            name: rsName,
            uid: rsUid,
            parentRefs: [compact(ref)],
            health: { status: 'Healthy' },
            images: rs.images,
            info: rs.rev
              ? [{ name: 'Revision', value: `Rev:${rs.rev}` }]
              : undefined,
            createdAt: created(l.updatedAt),
          }),
        );
        for (let i = 0; i < Math.min(rs.replicas, 10); i++) {
          nodes.push(
            compact({
              version: 'v1',
              kind: 'Pod',
              namespace: r.namespace,
              name: `${rsName}-${shortId(rsUid, i)}`,
              uid: `${rsUid}-${i}`,
              parentRefs: [
                {
                  group: 'apps',
                  kind: 'ReplicaSet',
                  namespace: r.namespace,
                  name: rsName,
                  uid: rsUid,
                },
              ],
              health: { status: 'Healthy' },
              images: rs.images,
              info: [
                { name: 'Status Reason', value: 'Running' },
                { name: 'Containers', value: '1/1' },
              ],
              createdAt: created(l.updatedAt),
            }),
          );
        }
      }
    }
  }
  for (const h of app.live.hooks.values()) {
    const r = h.resource;
    nodes.push(
      compact({
        group: r.group,
        version: r.version,
        kind: r.kind,
        namespace: r.namespace,
        name: r.name,
        uid: h.uid,
        health: compact({
          status: HOOK_HEALTH[h.phase],
          message: h.message,
        }),
        images: r.images,
        createdAt: created(h.createdAt),
      }),
    );
  }
  nodes.sort((a, b) =>
    compareStrings(
      `${a.group ?? ''}/${a.kind}/${a.namespace ?? ''}/${a.name}`,
      `${b.group ?? ''}/${b.kind}/${b.namespace ?? ''}/${b.name}`,
    ),
  );
  return { nodes };
}

function shortId(seed: string, i: number): string {
  let h = 0;
  const s = `${seed}:${i}`;
  for (let k = 0; k < s.length; k++)
    h = (Math.imul(h, 31) + s.charCodeAt(k)) >>> 0;
  return h.toString(36).padStart(5, '0').slice(-5);
}

/** `GET …/events`: the app's events in Kubernetes' shape. */
export function eventListView(app: AppState, resourceVersion: number): Json {
  return {
    metadata: { resourceVersion: String(resourceVersion) },
    items: app.events.map((e: AppEvent) =>
      compact({
        metadata: {
          name: `${app.name}.${e.uid.replace(/-/g, '').slice(0, 16)}`,
          namespace: app.namespace,
          uid: e.uid,
          creationTimestamp: formatTime(e.firstTimestamp),
        },
        involvedObject: {
          kind: 'Application',
          namespace: app.namespace,
          name: app.name,
          uid: app.uid,
          apiVersion: 'argoproj.io/v1alpha1',
        },
        reason: e.reason,
        message: e.message,
        source: { component: e.component },
        firstTimestamp: formatTime(e.firstTimestamp),
        lastTimestamp: formatTime(e.lastTimestamp),
        count: e.count,
        type: e.type,
        reportingComponent: e.component,
      }),
    ),
  };
}
