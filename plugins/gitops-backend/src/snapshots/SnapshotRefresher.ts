import { LoggerService } from '@backstage/backend-plugin-api';
import { DeploymentRecord } from '@shipdeck/plugin-gitops-common';
import { DeploymentStore } from '../database/DeploymentStore';
import { ArgoApplication, ArgoAppRef, ArgoCdClient } from '../argocd/types';
import {
  appKeyString,
  AppSnapshot,
  DEFAULT_APP_NAMESPACE,
  SnapshotStore,
} from '../database/SnapshotStore';
import { AppEvent, changedEnough, eventsBetween } from './timelineEvents';
import {
  DeploymentNotifier,
  silentNotifier,
} from '../signals/DeploymentNotifier';

/**
 * The list projection Shipdeck asks for (the `fields` parameter of
 * `GET /api/v1/applications`, https://argo-cd.readthedocs.io/en/stable/developer-guide/api-docs/):
 * enough for status pages. History, reconciledAt and operation messages are
 * not listable, so apps that changed (or carry a deployment in flight) are
 * fetched whole, and so is every app once, when first seen, to import its
 * history and operation into the timeline.
 */
export const LIST_FIELDS = [
  'items.metadata.name',
  'items.metadata.namespace',
  'items.metadata.labels',
  'items.metadata.annotations',
  'items.spec',
  'items.status.health',
  'items.status.summary',
  'items.status.resources',
  'items.status.sync.status',
  'items.status.sync.revision',
  'items.status.operationState.phase',
  'items.status.operationState.startedAt',
  'items.status.operationState.finishedAt',
];

const FULL_GET_CONCURRENCY = 8;

const namespaceOf = (app: ArgoApplication) =>
  app.metadata.namespace ?? DEFAULT_APP_NAMESPACE;

/** Keeps the field projection of the fresh listing and the rest of the last full look. */
function merge(
  previous: ArgoApplication,
  listed: ArgoApplication,
): ArgoApplication {
  return {
    ...previous,
    metadata: { ...previous.metadata, ...listed.metadata },
    spec: listed.spec ?? previous.spec,
    status: {
      ...previous.status,
      ...listed.status,
      sync: { ...previous.status?.sync, ...listed.status?.sync },
      operationState: listed.status?.operationState
        ? {
            ...previous.status?.operationState,
            ...listed.status.operationState,
          }
        : previous.status?.operationState,
    },
  };
}

/** What follows deployment records after each look (DeploymentProgressTracker). */
export interface RecordProgress {
  advance(inFlight: DeploymentRecord[]): Promise<void>;
}

/**
 * One look at every Argo CD instance: a projected list per instance, full
 * GETs only for what changed, is being deployed or was never fetched (its
 * history is imported then), the snapshot stored in
 * the database, the differences stored as timeline events, and deployment
 * records advanced. Runs as a global scheduled task, so replicas share one
 * look per interval; page views never call Argo CD.
 */
export class SnapshotRefresher {
  constructor(
    private readonly client: ArgoCdClient,
    private readonly snapshots: SnapshotStore,
    private readonly deployments: DeploymentStore,
    private readonly logger: LoggerService,
    private readonly notifier: DeploymentNotifier = silentNotifier,
    /** Moves in-flight deployment records along what the look stored. */
    private readonly progress?: RecordProgress,
  ) {}

  async refreshAll(): Promise<void> {
    const inFlight = await this.deployments.listInFlight({ limit: 500 });
    await Promise.all(
      this.client.instances().map(i => this.refreshInstance(i, inFlight)),
    );
    await this.progress?.advance(inFlight);
  }

  async refreshInstance(
    instance: string,
    inFlight: DeploymentRecord[] = [],
  ): Promise<void> {
    const observedAt = new Date().toISOString();
    try {
      const { items } = await this.client.listApplications(instance, {
        fields: LIST_FIELDS,
      });
      const previous = new Map(
        (await this.snapshots.listInstance(instance)).map(s => [
          appKeyString(s),
          s,
        ]),
      );
      const watched = new Set(
        inFlight
          .filter(r => r.argocd?.instance === instance)
          .map(r => appKeyString(r.argocd!)),
      );
      const events: AppEvent[] = [];
      const next: AppSnapshot[] = [];
      const queue = items.map(item => async () => {
        const namespace = namespaceOf(item);
        const key = appKeyString({
          instance,
          namespace,
          name: item.metadata.name,
        });
        const stored = previous.get(key);
        const before = stored?.application;
        // Never fetched whole: history and operation results are not
        // listable, so only a GET brings Argo CD's past into the timeline.
        const toImport = !stored?.fetchedAt;
        const ref = { instance, name: item.metadata.name, namespace };
        let full: ArgoApplication | undefined;
        if (changedEnough(before, item) || watched.has(key)) {
          full = await this.client.getApplication(ref);
        } else if (toImport) {
          full = await this.#fetchToImport(ref);
        }
        const application = full ?? (before ? merge(before, item) : item);
        // A projection has nothing to import: without the GET (it failed),
        // the past waits for the next look, so its operation is not stored
        // now without its hooks under the key the full one would have.
        if (full || before) {
          events.push(
            ...eventsBetween(
              before,
              application,
              { instance, namespace, observedAt },
              { imported: !(toImport && full) },
            ),
          );
        }
        const fetchedAt = full ? observedAt : stored?.fetchedAt;
        next.push({
          instance,
          namespace,
          name: item.metadata.name,
          application,
          observedAt,
          ...(fetchedAt ? { fetchedAt } : {}),
        });
      });
      for (let i = 0; i < queue.length; i += FULL_GET_CONCURRENCY) {
        await Promise.all(
          queue.slice(i, i + FULL_GET_CONCURRENCY).map(run => run()),
        );
      }
      await this.snapshots.replaceInstance(instance, next);
      await this.snapshots.appendEvents(events);
      await this.snapshots.recordAttempt(instance, { at: observedAt });
      await this.#notifyChangedApplications(events);
    } catch (error) {
      const message = (error as Error).message;
      this.logger.warn(
        `Could not refresh Argo CD instance ${instance}: ${message}`,
      );
      await this.snapshots.recordAttempt(instance, {
        at: observedAt,
        error: message,
      });
    }
  }

  /**
   * An Application fetched only to import its history and operation. A
   * failure leaves it to the next look rather than failing this one, so one
   * unreadable app does not hold back an instance's first look.
   */
  async #fetchToImport(ref: ArgoAppRef): Promise<ArgoApplication | undefined> {
    try {
      return await this.client.getApplication(ref);
    } catch (error) {
      this.logger.warn(
        `Could not import the history of Argo CD application ${ref.name} on ${
          ref.instance
        }; trying again at the next look: ${(error as Error).message}`,
      );
      return undefined;
    }
  }

  /**
   * Health and sync changes of Applications that Shipdeck deployed: their
   * entity pages show that state, so they refetch. Applications no record
   * names are nobody's page Shipdeck knows of.
   */
  async #notifyChangedApplications(events: AppEvent[]) {
    const changed = events
      .filter(e => e.type === 'health' || e.type === 'sync-status')
      .map(e => ({
        instance: e.instance,
        namespace: e.namespace,
        name: e.app,
      }));
    if (!changed.length) return;
    try {
      const targets = await this.deployments.targetsOfApplications(changed);
      await this.notifier.notify(
        [...targets.values()].map(t => ({
          entityRef: t.entityRef,
          environment: t.environment,
        })),
      );
    } catch (error) {
      this.logger.warn(`Could not tell pages about Argo CD changes: ${error}`);
    }
  }
}
