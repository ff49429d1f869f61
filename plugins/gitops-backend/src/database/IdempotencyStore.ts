/** What to do with a request that carries an Idempotency-Key. */
export type IdempotencyDecision =
  | { kind: 'proceed' }
  | { kind: 'replay'; status: number; body: unknown };

/**
 * Remembers the first answer to each (Idempotency-Key, caller), shared by
 * every replica: a retry with the same request gets the stored answer, one
 * with a different request a 409.
 */
export interface IdempotencyStore {
  /**
   * Claims the key for this request, or says to replay the stored answer;
   * throws a ConflictError when the key was used for another request or its
   * first request is still running.
   */
  begin(
    key: string,
    actor: string,
    requestHash: string,
  ): Promise<IdempotencyDecision>;
  /** Stores the answer that later retries replay. */
  complete(
    key: string,
    actor: string,
    status: number,
    body: unknown,
  ): Promise<void>;
  /** A failed request frees its key, so the client may retry it. */
  abandon(key: string, actor: string): Promise<void>;
}
