import { CustomErrorBase } from '@backstage/errors';
import {
  assessDeployment,
  DeploymentAssessment,
  DeploymentExpectation,
  DeploymentState,
  isFinalDeploymentState,
} from '../service/deploymentProgress';
import { ArgoAppRef, ArgoCdClient } from './types';

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
