import express from 'express';
import { FaultState } from './faults';
import { projectGeneric } from './query';
import { ChangeType, Reconciler } from './reconciler';
import { compareStrings } from './resources';
import { AppState } from './state';
import { applicationView } from './view';

export interface WatchOptions {
  /** Which apps the watch covers (same filters as the list). */
  matches: (app: AppState) => boolean;
  /** The `resourceVersion` query: given (and no `name`), no initial ADDED burst. */
  resourceVersion?: string;
  name?: string;
  fields?: { fields: Set<string>; exclude: boolean };
}

/**
 * `GET /api/v1/stream/applications`: with `Accept: text/event-stream`, SSE
 * messages `data: {"result":{"type":…,"application":…}} ` (trailing space,
 * as grpc-gateway writes them) each followed by a blank line, and a `:`
 * keep-alive comment every `keepAliveMs`; otherwise newline-delimited JSON.
 * Consecutive identical payloads for one app are dropped.
 */
export class StreamHub {
  private readonly open = new Set<express.Response>();

  constructor(
    private readonly reconciler: Reconciler,
    faults: FaultState,
    private readonly keepAliveMs: number,
  ) {
    faults.onDown(() => this.closeAll());
  }

  get connections(): number {
    return this.open.size;
  }

  closeAll() {
    for (const res of this.open) res.destroy();
    this.open.clear();
  }

  watch(req: express.Request, res: express.Response, options: WatchOptions) {
    const sse = (req.header('accept') ?? '').includes('text/event-stream');
    res.status(200);
    res.setHeader(
      'Content-Type',
      sse ? 'text/event-stream' : 'application/json',
    );
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    req.socket.setNoDelay(true);
    req.socket.setTimeout(0);
    this.open.add(res);

    const last = new Map<string, string>();
    const send = (type: ChangeType, app: AppState) => {
      let message: Record<string, any> = {
        result: { type, application: applicationView(app) },
      };
      if (options.fields) message = projectGeneric(message, options.fields);
      const payload = JSON.stringify(message);
      if (last.get(app.key) === payload) return;
      last.set(app.key, payload);
      res.write(sse ? `data: ${payload} \n\n` : `${payload}\n`);
    };

    if (!options.resourceVersion || options.name) {
      const initial = [...this.reconciler.apps.values()]
        .filter(options.matches)
        .sort((a, b) => compareStrings(a.name, b.name));
      for (const app of initial) send('ADDED', app);
    }
    const unsubscribe = this.reconciler.onChange((type, app) => {
      if (options.matches(app)) send(type, app);
      if (type === 'DELETED') last.delete(app.key);
    });
    const keepAlive = sse
      ? setInterval(() => res.write(':\n\n'), this.keepAliveMs)
      : undefined;
    const close = () => {
      unsubscribe();
      if (keepAlive) clearInterval(keepAlive);
      this.open.delete(res);
    };
    req.on('close', close);
    res.on('close', close);
  }
}
