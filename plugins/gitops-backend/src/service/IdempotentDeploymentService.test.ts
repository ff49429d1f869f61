import { ConflictError } from '@backstage/errors';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { IdempotencyStore } from '../database/IdempotencyStore';
import { IdempotentWrites } from './IdempotentDeploymentService';

/** The store's protocol over a map, as the database keeps it. */
function memoryStore() {
  const rows = new Map<
    string,
    { hash: string; done: boolean; status?: number; body?: unknown }
  >();
  const store: Pick<IdempotencyStore, 'begin' | 'complete' | 'abandon'> = {
    async begin(key, actor, hash) {
      const row = rows.get(`${actor}|${key}`);
      if (!row) {
        rows.set(`${actor}|${key}`, { hash, done: false });
        return { kind: 'proceed' };
      }
      if (row.hash !== hash) throw new ConflictError(`used with another body`);
      if (!row.done) throw new ConflictError('still in progress');
      return { kind: 'replay', status: row.status!, body: row.body };
    },
    async complete(key, actor, status, body) {
      rows.set(`${actor}|${key}`, {
        ...rows.get(`${actor}|${key}`)!,
        done: true,
        status,
        body,
      });
    },
    async abandon(key, actor) {
      rows.delete(`${actor}|${key}`);
    },
  };
  return { store: store as IdempotencyStore, rows };
}

describe('IdempotentWrites', () => {
  const credentials = mockCredentials.user();
  const request = { route: 'POST /releases', body: { environment: 'dev' } };

  it('writes once per key and request, and replays the stored outcome', async () => {
    const { store, rows } = memoryStore();
    const writes = new IdempotentWrites(store, mockServices.auth());
    const write = jest.fn(async () => ({ unchanged: false, n: 1 }));
    const options = { credentials, idempotency: { key: 'k', request } };
    expect(await writes.once(options, write)).toEqual({
      unchanged: false,
      n: 1,
    });
    expect(await writes.once(options, write)).toEqual({
      unchanged: false,
      n: 1,
    });
    expect(write).toHaveBeenCalledTimes(1);
    expect([...rows.values()][0]).toMatchObject({ done: true, status: 202 });
    await expect(
      writes.once(
        {
          credentials,
          idempotency: { key: 'k', request: { ...request, x: 1 } },
        },
        write,
      ),
    ).rejects.toThrow(ConflictError);
    expect(write).toHaveBeenCalledTimes(1);
  });

  it('frees the key of a write that failed, so a retry runs', async () => {
    const { store, rows } = memoryStore();
    const writes = new IdempotentWrites(store, mockServices.auth());
    const options = { credentials, idempotency: { key: 'k', request } };
    await expect(
      writes.once(options, async () => {
        throw new Error('Git is down');
      }),
    ).rejects.toThrow('Git is down');
    expect(rows.size).toBe(0);
    expect(
      await writes.once(options, async () => ({ unchanged: true })),
    ).toEqual({ unchanged: true });
  });

  it('writes without a key as often as asked', async () => {
    const { store, rows } = memoryStore();
    const writes = new IdempotentWrites(store, mockServices.auth());
    const write = jest.fn(async () => ({ unchanged: false }));
    await writes.once({ credentials }, write);
    await writes.once({ credentials }, write);
    expect(write).toHaveBeenCalledTimes(2);
    expect(rows.size).toBe(0);
  });
});
