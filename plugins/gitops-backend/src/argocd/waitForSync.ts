import { CustomErrorBase } from '@backstage/errors';
import {
  ArgoAppRef,
  ArgoApplication,
  ArgoCdClient,
  ArgoOperationState,
} from './types';

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

// Argo CD timestamps have whole-second precision (facts 2.4); compare seconds.
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
 * (facts 2.4). Done means: our operation Succeeded, at the expected revision,
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

/** `waitForDeployment` ran out of time; `last` is what it saw last. */
export class DeploymentWaitTimeoutError extends CustomErrorBase {
  name = 'DeploymentWaitTimeoutError' as const;

  constructor(message: string, readonly last?: DeploymentAssessment) {
    super(message);
  }
}

export interface WaitForDeploymentOptions {
  timeoutMs: number;
  /** Pause between polls. Default 5 s. */
  pollMs?: number;
  /** Called when state or reason changes; awaited. */
  onProgress?: (state: DeploymentState, reason: string) => void | Promise<void>;
  signal?: AbortSignal;
}

const DEADLINE = Symbol('deadline');

function formatDuration(ms: number) {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

// Rejects with the abort reason, resolves DEADLINE after `ms`, or settles like `promise`.
function race<T>(
  promise: Promise<T>,
  ms: number,
  signal?: AbortSignal,
): Promise<T | typeof DEADLINE> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      done();
      resolve(DEADLINE);
    }, Math.max(0, ms));
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
    function onAbort() {
      done();
      reject(signal?.reason ?? new Error('The wait was aborted'));
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(
      value => {
        done();
        resolve(value);
      },
      error => {
        done();
        reject(error);
      },
    );
  });
}

function isServiceUnavailable(error: unknown) {
  return (error as Error | undefined)?.name === 'ServiceUnavailableError';
}

/**
 * Polls an Application (without refresh: the caller refreshes once after
 * committing) until `assessDeployment` reaches a final state, and resolves
 * with it. Rejects with `DeploymentWaitTimeoutError` naming the last state
 * seen, with the abort reason when `signal` aborts, and at once on errors
 * other than ServiceUnavailableError (an unreachable instance is retried
 * until the timeout).
 */
export async function waitForDeployment(
  client: Pick<ArgoCdClient, 'getApplication'>,
  ref: ArgoAppRef,
  expectation: DeploymentExpectation,
  options: WaitForDeploymentOptions,
): Promise<DeploymentAssessment> {
  const pollMs = options.pollMs ?? 5_000;
  const deadline = Date.now() + options.timeoutMs;
  const { signal } = options;
  let last: DeploymentAssessment | undefined;
  let lastError: Error | undefined;

  for (;;) {
    signal?.throwIfAborted();
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    try {
      const app = await race(client.getApplication(ref), remaining, signal);
      if (app === DEADLINE) break;
      lastError = undefined;
      const assessment = assessDeployment(app, expectation);
      if (
        assessment.state !== last?.state ||
        assessment.reason !== last?.reason
      ) {
        last = assessment;
        await options.onProgress?.(assessment.state, assessment.reason);
      }
      if (isFinalDeploymentState(assessment.state)) return assessment;
    } catch (error) {
      if (signal?.aborted || !isServiceUnavailable(error)) throw error;
      lastError = error as Error;
    }
    const pause = Math.min(pollMs, deadline - Date.now());
    if (pause <= 0) break;
    await race(new Promise<never>(() => {}), pause, signal); // an abortable sleep
  }

  const app = ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;
  const seen = last ? `${last.state} (${last.reason})` : 'none';
  throw new DeploymentWaitTimeoutError(
    `Argo CD application '${app}' on instance '${
      ref.instance
    }' did not finish deploying within ${formatDuration(
      options.timeoutMs,
    )}; last state: ${seen}${
      lastError ? `; last poll failed: ${lastError.message}` : ''
    }`,
    last,
  );
}
