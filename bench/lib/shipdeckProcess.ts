/*
 * Shipdeck's backend in its own process, as plugin.ts builds it
 * (createGitopsServices, createRouter) on SQLite, over the bench's Argo CD
 * fleet; only catalog, auth, auditor and permissions are stand-ins. The
 * snapshot task does not run on a timer: the parent asks for each look, so
 * that it can count a look's upstream calls and check that page views make
 * none.
 *
 * argv: JSON of ShipdeckProcessOptions. Answers `look` (one refreshAll,
 * see Look) and `argocdCalls` (HTTP requests sent to Argo CD so far).
 */
import { startBenchShipdeck } from './benchShipdeck';
import { serveParent } from './child';
import { instrument, Tally } from './instrument';

export interface ShipdeckProcessOptions {
  instances: Array<{ name: string; url: string; token: string }>;
  services: number;
}

/** One look of the snapshot task: its upstream calls and where its time went. */
export interface Look {
  calls: number;
  lists: number;
  gets: number;
  ms: number;
  /** Calls and summed ms per step (the three instances run in parallel). */
  steps: Array<[string, { calls: number; ms: number }]>;
}

const sum = (counts: Record<string, number>) =>
  Object.values(counts).reduce((a, b) => a + b, 0);

if (require.main === module) {
  serveParent(async () => {
    const options = JSON.parse(process.argv[2]) as ShipdeckProcessOptions;
    // The snapshot task's view of the client and stores is instrumented.
    const tally = new Tally();
    const shipdeck = await startBenchShipdeck({
      ...options,
      wrapArgocd: client =>
        instrument(
          client,
          { listApplications: 'argocd list', getApplication: 'argocd get' },
          tally,
        ),
      wrapStores: stores => ({
        ...stores,
        snapshots: instrument(
          stores.snapshots,
          {
            listInstance: 'db read',
            replaceInstance: 'db write snapshots',
            appendEvents: 'db write events',
            recordAttempt: 'db write status',
          },
          tally,
        ),
        deployments: instrument(
          stores.deployments,
          { listInFlight: 'db read', addStep: 'db write' },
          tally,
        ),
      }),
    });
    const { client, stores, services } = shipdeck;

    const look = async (): Promise<Look> => {
      tally.clear();
      const before = sum(client.callCounts());
      const started = performance.now();
      await services.refresher.refreshAll();
      const ms = performance.now() - started;
      // refreshInstance logs and records a failure instead of throwing.
      const statuses = await stores.snapshots.instanceStatuses();
      const failed = [...statuses.values()].filter(s => s.lastError);
      if (failed.length) {
        throw new Error(
          `look failed: ${failed
            .map(s => `${s.instance}: ${s.lastError}`)
            .join('; ')}`,
        );
      }
      return {
        calls: sum(client.callCounts()) - before,
        lists: tally.calls('argocd list'),
        gets: tally.calls('argocd get'),
        ms,
        steps: [...tally.byLabel],
      };
    };

    return {
      ready: { url: shipdeck.url },
      handlers: {
        look,
        argocdCalls: () => sum(client.callCounts()),
      },
      stop: shipdeck.close,
    };
  });
}
