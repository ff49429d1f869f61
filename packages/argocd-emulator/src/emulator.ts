import { Server, Socket } from 'node:net';
import { resolve } from 'node:path';
import express from 'express';
import { Commands } from './commands';
import { FaultState, Faults } from './faults';
import { Reconciler } from './reconciler';
import { Renderer } from './render';
import { GitRepo } from './repo';
import { createServer } from './server';
import { DEFAULT_TIMINGS, Timings } from './state';
import { StreamHub } from './stream';
import { Clock, systemClock } from './time';

export interface CreateEmulatorOptions {
  /** The (bare) Git repository holding manifests and `argocd/` Applications. */
  repoDir: string;
  /** Branch the Applications are read from (default `main`). */
  branch?: string;
  /** Bearer token(s) accepted on /api/v1, like Argo CD account tokens. */
  token: string | string[];
  /** Account name of the token: `userinfo` and API-initiated operations (default `shipdeck`). */
  username?: string;
  /** Shorthand for `timings.pollIntervalMs` (default 2000). */
  pollIntervalMs?: number;
  timings?: Partial<Timings>;
  /** Timestamps' source (timers still use real time). */
  clock?: Clock;
  /** Treat apps present at the first read as deployed and Healthy (default true). */
  adoptExisting?: boolean;
  /** Start polling right away (default true); otherwise call reconcileNow(). */
  poll?: boolean;
  faults?: Faults;
  /** The kubectl binary used for `kubectl kustomize` (default `kubectl`). */
  kubectl?: string;
  log?: (message: string) => void;
}

export interface RunningEmulator {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface Emulator {
  /** The Express app (usable with supertest without listening). */
  app: express.Express;
  reconciler: Reconciler;
  timings: Timings;
  /** Listens on 127.0.0.1 (`port` 0 or omitted: a free port). */
  start(port?: number, host?: string): Promise<RunningEmulator>;
  /** Runs a full reconcile that starts after this call and waits for it. */
  reconcileNow(): Promise<void>;
  /** Merges faults into the current set. */
  setFaults(faults: Faults): void;
  clearFaults(): void;
  /** Stops polling, timers, streams and listening servers. */
  stop(): Promise<void>;
}

/** Creates an Argo CD emulator over a local Git repository. */
export function createEmulator(options: CreateEmulatorOptions): Emulator {
  const timings: Timings = {
    ...DEFAULT_TIMINGS,
    ...(options.pollIntervalMs !== undefined
      ? { pollIntervalMs: options.pollIntervalMs }
      : {}),
    ...options.timings,
  };
  const clock = options.clock ?? systemClock;
  const branch = options.branch ?? 'main';
  const username = options.username ?? 'shipdeck';
  const repo = new GitRepo(resolve(options.repoDir));
  const faults = new FaultState();
  if (options.faults) faults.set(options.faults);
  const renderer = new Renderer(repo, { kubectl: options.kubectl });
  const reconciler = new Reconciler({
    repo,
    renderer,
    branch,
    timings,
    clock,
    faults,
    username,
    adoptExisting: options.adoptExisting ?? true,
    log: options.log,
  });
  const streams = new StreamHub(reconciler, faults, timings.keepAliveMs);
  const commands = new Commands(reconciler, { repo, username, clock, timings });
  const app = createServer({
    reconciler,
    commands,
    faults,
    repo,
    streams,
    tokens: Array.isArray(options.token) ? options.token : [options.token],
    username,
    clock,
    timings,
    branch,
  });
  const servers = new Set<{ server: Server; sockets: Set<Socket> }>();
  if (options.poll !== false) reconciler.startPolling();

  const closeServer = (entry: { server: Server; sockets: Set<Socket> }) =>
    new Promise<void>(done => {
      servers.delete(entry);
      entry.server.close(() => done());
      entry.sockets.forEach(s => s.destroy());
    });

  return {
    app,
    reconciler,
    timings,
    start(port = 0, host = '127.0.0.1') {
      return new Promise((resolveStart, reject) => {
        const server = app.listen(port, host);
        const entry = { server, sockets: new Set<Socket>() };
        server.on('connection', socket => {
          entry.sockets.add(socket);
          socket.on('close', () => entry.sockets.delete(socket));
        });
        server.once('error', reject);
        server.once('listening', () => {
          servers.add(entry);
          const address = server.address();
          const actual =
            typeof address === 'object' && address ? address.port : port;
          resolveStart({
            url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${actual}`,
            port: actual,
            close: () => closeServer(entry),
          });
        });
      });
    },
    reconcileNow: () => reconciler.reconcile(),
    setFaults: f => faults.set(f),
    clearFaults: () => faults.clear(),
    async stop() {
      reconciler.stop();
      streams.closeAll();
      await Promise.all([...servers].map(closeServer));
    },
  };
}

/** The earlier entry point: an Express app over a repository (polling). */
export interface EmulatorOptions {
  repoDir: string;
  /** Branch Applications are read from. */
  revision: string;
  token: string;
}

export function createEmulatorApp(options: EmulatorOptions): express.Express {
  return createEmulator({
    repoDir: options.repoDir,
    branch: options.revision,
    token: options.token,
  }).app;
}
