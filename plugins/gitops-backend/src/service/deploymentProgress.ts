/*
 * Deployment progress: where one deployment stands in Argo CD, read from an
 * Application. One rule for every follower of a deployment: the snapshot
 * task moving records along (DeploymentProgressTracker), the Argo CD actions
 * (DefaultSyncService) and waiting for a sync (argocd/waitForSync.ts).
 */
import { ArgoApplication, ArgoOperationState } from '../argocd/types';

/**
 * Where a deployment stands in Argo CD:
 * - `pending`: no operation of this deployment yet (none, someone else's, or an older one)
 * - `syncing`: our operation runs (hooks, waves) or is being terminated
 * - `synced`: our operation succeeded; health is not yet trustworthy or not yet good
 * - `healthy`, `suspended` (a Rollout waits for promotion): done
 * - `degraded`: synced, and a fresh health assessment says Degraded
 * - `failed`: our operation failed or errored
 */
export type DeploymentState =
  | 'pending'
  | 'syncing'
  | 'synced'
  | 'healthy'
  | 'suspended'
  | 'degraded'
  | 'failed';

export interface DeploymentAssessment {
  state: DeploymentState;
  /** One sentence for people, e.g. Argo CD's operation message. */
  reason: string;
}

/** What identifies "our" operation and its outcome. */
export interface DeploymentExpectation {
  /** Commit SHA the sync must report in `syncResult` (a prefix of 7+ hex digits also matches). */
  revision?: string;
  /** Operations that started earlier (whole seconds) belong to someone else. */
  startedAfter?: string;
  /** An entry the operation must carry in `operation.info` (from `SyncOptions.infos`). */
  operationInfo?: { name: string; value: string };
}

/** States after which waiting stops. */
export const FINAL_DEPLOYMENT_STATES: readonly DeploymentState[] = [
  'healthy',
  'suspended',
  'degraded',
  'failed',
];

export function isFinalDeploymentState(state: DeploymentState): boolean {
  return FINAL_DEPLOYMENT_STATES.includes(state);
}

// Argo CD timestamps (Kubernetes metav1.Time) have whole-second precision;
// compare seconds.
function seconds(timestamp: string | undefined): number {
  if (!timestamp) return NaN;
  return Math.floor(Date.parse(timestamp) / 1000);
}

function short(revision: string) {
  return /^[0-9a-f]{40}$/i.test(revision) ? revision.slice(0, 7) : revision;
}

function sameRevision(actual: string, expected: string) {
  const a = actual.toLowerCase();
  const e = expected.toLowerCase();
  if (a === e) return true;
  const hex = /^[0-9a-f]{7,40}$/;
  return hex.test(a) && hex.test(e) && (a.startsWith(e) || e.startsWith(a));
}

function initiator(op: ArgoOperationState) {
  const by = op.operation?.initiatedBy;
  if (by?.automated) return 'auto-sync';
  return by?.username ?? 'someone';
}

function failureReason(op: ArgoOperationState): string {
  const resources = op.syncResult?.resources ?? [];
  const details: string[] = [];
  for (const r of resources) {
    const failedHook =
      r.hookType && (r.hookPhase === 'Failed' || r.hookPhase === 'Error');
    const failedResource = !r.hookType && r.status === 'SyncFailed';
    if (failedHook) {
      details.push(
        `${r.hookType} hook ${r.kind}/${r.name} failed${
          r.message ? `: ${r.message}` : ''
        }`,
      );
    } else if (failedResource) {
      details.push(
        `${r.kind}/${r.name} failed to sync${
          r.message ? `: ${r.message}` : ''
        }`,
      );
    }
  }
  const head =
    op.message ||
    (op.phase === 'Error' ? 'The sync operation errored' : 'The sync failed');
  const shown = details.slice(0, 3);
  const more =
    details.length > shown.length
      ? ` (and ${details.length - shown.length} more)`
      : '';
  return shown.length ? `${head}; ${shown.join('; ')}${more}` : head;
}

function degradedReason(app: ArgoApplication): string {
  const health = app.status?.health;
  const resources = (app.status?.resources ?? [])
    .filter(r => r.health?.status === 'Degraded')
    .slice(0, 3)
    .map(
      r =>
        `${r.kind}/${r.name}${
          r.health?.message ? `: ${r.health.message}` : ''
        }`,
    );
  const parts = [health?.message, ...resources].filter(Boolean);
  return parts.length ? `Degraded: ${parts.join('; ')}` : 'Degraded';
}

/**
 * Judges one observation of an Application against what a deployment expects
 * (https://argo-cd.readthedocs.io/en/stable/operator-manual/health/). Done means: our operation Succeeded, at the expected revision,
 * Argo CD reconciled at or after the operation finished (so health is fresh),
 * and health is Healthy or Suspended. Sync status is deliberately ignored:
 * many apps drift permanently.
 */
export function assessDeployment(
  app: ArgoApplication,
  expectation: DeploymentExpectation = {},
): DeploymentAssessment {
  const status = app.status ?? {};
  const op = status.operationState;
  if (!op) {
    return {
      state: 'pending',
      reason: app.operation
        ? 'Argo CD accepted the sync request and has not started it yet'
        : 'No sync operation has started yet',
    };
  }

  const phase = op.phase;
  const running = phase === 'Running' || phase === 'Terminating';
  const foreign = (why: string): DeploymentAssessment => ({
    state: 'pending',
    reason: running
      ? `Another operation is running (started ${
          op.startedAt ?? 'at an unknown time'
        } by ${initiator(op)}): ${why}`
      : `Waiting for this deployment's sync: ${why}`,
  });
  if (expectation.startedAfter) {
    const started = seconds(op.startedAt);
    const after = seconds(expectation.startedAfter);
    if (Number.isNaN(started) || started < after) {
      return foreign(
        `the last operation started ${
          op.startedAt ?? 'at an unknown time'
        }, before ${expectation.startedAfter}`,
      );
    }
  }
  if (expectation.operationInfo) {
    const { name, value } = expectation.operationInfo;
    const info = op.operation?.info ?? [];
    if (!info.some(i => i.name === name && i.value === value)) {
      return foreign(`the operation does not carry ${name}=${value}`);
    }
  }
  if (op.operation?.sync?.dryRun) {
    return foreign('the operation is a dry run');
  }

  if (phase === 'Running') {
    return { state: 'syncing', reason: op.message || 'Sync running' };
  }
  if (phase === 'Terminating') {
    return {
      state: 'syncing',
      reason: op.message || 'The sync is being terminated',
    };
  }
  if (phase === 'Failed' || phase === 'Error') {
    return { state: 'failed', reason: failureReason(op) };
  }
  if (phase !== 'Succeeded') {
    return { state: 'pending', reason: 'The operation has not started yet' };
  }

  const result = op.syncResult;
  const synced = [result?.revision, ...(result?.revisions ?? [])].filter(
    (r): r is string => Boolean(r),
  );
  const matched = expectation.revision
    ? synced.find(r => sameRevision(r, expectation.revision!))
    : synced[0];
  if (expectation.revision && !matched) {
    return {
      state: 'pending',
      reason: `The last sync applied ${
        synced.length ? synced.map(short).join(', ') : 'an unknown revision'
      }, not ${short(expectation.revision)}; waiting for a sync to it`,
    };
  }
  const at = matched ? ` ${short(matched)}` : '';

  const finished = seconds(op.finishedAt);
  const reconciled = seconds(status.reconciledAt);
  if (
    Number.isNaN(reconciled) ||
    (!Number.isNaN(finished) && reconciled < finished)
  ) {
    return {
      state: 'synced',
      reason: `Synced${at}${
        op.finishedAt ? ` at ${op.finishedAt}` : ''
      }; waiting for Argo CD to assess health (last reconciled ${
        status.reconciledAt ?? 'never'
      })`,
    };
  }

  const health = status.health?.status;
  switch (health) {
    case 'Healthy':
      return { state: 'healthy', reason: `Synced${at} and Healthy` };
    case 'Suspended':
      return {
        state: 'suspended',
        reason: `Synced${at}; Suspended: ${
          status.health?.message || 'a Rollout waits for promotion'
        }`,
      };
    case 'Degraded':
      return { state: 'degraded', reason: degradedReason(app) };
    default:
      return {
        state: 'synced',
        reason: `Synced${at}; health ${health ?? 'not reported'}${
          status.health?.message ? `: ${status.health.message}` : ''
        }`,
      };
  }
}
