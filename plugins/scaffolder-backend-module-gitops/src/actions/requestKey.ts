import { createHash } from 'node:crypto';
import { ActionContext } from '@backstage/plugin-scaffolder-node';
import { JsonValue } from '@backstage/types';
import { MutationOptions } from '@shipdeck/plugin-gitops-common';

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

/**
 * Sends a mutating request once per task: a recovered task reads the
 * checkpoint, and a retried call carries the same Idempotency-Key, so the
 * backend answers it without writing twice.
 */
export async function sendOnce<T>(
  ctx: Pick<ActionContext<any, any>, 'checkpoint' | 'task'>,
  kind: string,
  request: unknown,
  send: (options: MutationOptions) => Promise<T>,
): Promise<T> {
  const key = requestKey(kind, ctx.task.id, request);
  const answer = await ctx.checkpoint({
    key,
    // Checkpoints hold JSON; the answers are JSON already.
    fn: async () =>
      JSON.parse(
        JSON.stringify(await send({ idempotencyKey: `scaffolder-${key}` })),
      ) as JsonValue,
  });
  return answer as unknown as T;
}
