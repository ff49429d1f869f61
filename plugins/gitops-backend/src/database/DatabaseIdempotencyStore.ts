import { ConflictError } from '@backstage/errors';
import { Knex } from 'knex';
import { IdempotencyDecision, IdempotencyStore } from './IdempotencyStore';

interface IdempotencyRow {
  key: string;
  actor: string;
  request_hash: string;
  state: 'pending' | 'done';
  response_status: number | null;
  response_body: string | null;
  created_at: Date;
}

/**
 * {@link IdempotencyStore} on the plugin's knex database. The key is claimed
 * by inserting a pending row (the primary key makes concurrent claims race
 * safely).
 */
export class DatabaseIdempotencyStore implements IdempotencyStore {
  constructor(private readonly knex: Knex) {}

  async begin(
    key: string,
    actor: string,
    requestHash: string,
  ): Promise<IdempotencyDecision> {
    try {
      await this.knex<IdempotencyRow>('gitops_idempotency').insert({
        key,
        actor,
        request_hash: requestHash,
        state: 'pending',
        created_at: new Date(),
      });
      return { kind: 'proceed' };
    } catch (insertError) {
      const row = await this.knex<IdempotencyRow>('gitops_idempotency')
        .where({ key, actor })
        .first();
      if (!row) {
        throw insertError;
      }
      if (row.request_hash !== requestHash) {
        throw new ConflictError(
          `Idempotency-Key '${key}' was already used with a different request`,
        );
      }
      if (row.state === 'pending') {
        throw new ConflictError(
          `A request with Idempotency-Key '${key}' is still in progress; retry shortly`,
        );
      }
      return {
        kind: 'replay',
        status: row.response_status ?? 200,
        body: JSON.parse(row.response_body ?? 'null'),
      };
    }
  }

  async complete(
    key: string,
    actor: string,
    status: number,
    body: unknown,
  ): Promise<void> {
    await this.knex<IdempotencyRow>('gitops_idempotency')
      .where({ key, actor })
      .update({
        state: 'done',
        response_status: status,
        response_body: JSON.stringify(body),
      });
  }

  /** A failed request frees its key, so the client may retry it. */
  async abandon(key: string, actor: string): Promise<void> {
    await this.knex<IdempotencyRow>('gitops_idempotency')
      .where({ key, actor, state: 'pending' })
      .delete();
  }
}
