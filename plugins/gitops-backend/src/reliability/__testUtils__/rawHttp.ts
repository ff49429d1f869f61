import { Agent, request, Server } from 'node:http';
import { AddressInfo } from 'node:net';

/** A request exactly as sent: the path is not normalized (`..` stays). */
export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * Sends requests to a listening server over keep-alive connections with
 * node:http, which (unlike fetch and supertest's URL handling) sends the
 * path byte for byte, so `..`, `%2e%2e` and stray `%` reach the backend.
 */
export function rawClient(server: Server) {
  const { port } = server.address() as AddressInfo;
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const send = (req: RawRequest) =>
    new Promise<RawResponse>((resolve, reject) => {
      let body: Buffer | undefined;
      if (req.body !== undefined) {
        body = Buffer.isBuffer(req.body)
          ? req.body
          : Buffer.from(req.body, 'utf8');
      }
      const outgoing = request(
        {
          host: '127.0.0.1',
          port,
          agent,
          method: req.method,
          path: req.path,
          headers: {
            ...(body ? { 'content-length': String(body.length) } : {}),
            ...req.headers,
          },
        },
        incoming => {
          const chunks: Buffer[] = [];
          incoming.on('data', chunk => chunks.push(chunk));
          incoming.on('end', () =>
            resolve({
              status: incoming.statusCode ?? 0,
              headers: incoming.headers,
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          incoming.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  return { send, close: () => agent.destroy() };
}

/** Runs `work` over `items`, at most `concurrency` at a time, in order of start. */
export async function inBatches<T, R>(
  items: T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

/** The message of a Backstage error body (`{error: {message}}`) or a plain-text answer. */
export function errorMessage(response: RawResponse): string | undefined {
  try {
    const parsed = JSON.parse(response.text);
    const message = parsed?.error?.message;
    return typeof message === 'string' && message.trim() ? message : undefined;
  } catch {
    return response.text.trim() || undefined;
  }
}

export type { Server };
