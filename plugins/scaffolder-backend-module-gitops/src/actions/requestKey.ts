import { createHash } from 'node:crypto';

/**
 * The checkpoint and Idempotency-Key of a request a step sends: the same
 * request in the same task (a retried or recovered step) is answered once,
 * while two steps asking for different things get different keys.
 */
export function requestKey(kind: string, taskId: string, request: unknown) {
  const digest = createHash('sha256')
    .update(`${taskId}\n${JSON.stringify(request)}`)
    .digest('hex')
    .slice(0, 32);
  return `gitops-${kind}-${digest}`;
}
