import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { Environment } from '@shipdeck/plugin-gitops-common';
import { DeploymentStore } from '../database/DeploymentStore';
import { NotificationLedger } from '../database/NotificationLedger';
import { appKeyString, SnapshotStore } from '../database/SnapshotStore';
import {
  Alert,
  alertSettings,
  AlertSettings,
  DEGRADED_PREFIX,
  degradedAlert,
  deploymentAlert,
  waitingPullRequestAlert,
} from './alertRules';

/** Deployments that ended this long ago are no longer news. */
const ENDED_WITHIN_MS = 24 * 3600_000;
const LIMIT = 500;

/** What the look reads, and whom it tells through what. */
export interface AlertDeps {
  logger: LoggerService;
  auth: AuthService;
  catalog: CatalogService;
  notifications: NotificationService;
  ledger: NotificationLedger;
  deployments: DeploymentStore;
  snapshots: SnapshotStore;
}

/**
 * Tells an entity's owners, through Backstage's notifications, when a
 * deployment to a protected environment ends degraded or failed, when an
 * Application there goes Degraded, and when a pull request Shipdeck opened
 * has waited too long (per environment, `gitops.notifications`).
 *
 * Runs as a scheduled look over what Shipdeck already stores (records,
 * snapshots), so it costs no Argo CD or GitHub call, and sends each incident
 * once: the ledger's claim decides, across looks and replicas. A Degraded
 * incident ends when the Application is seen not Degraded; the next one is a
 * new notification. The notification's `scope` is the incident key too, so
 * even a repeat would update the one notification rather than add another.
 */
export class ShipdeckAlerts {
  static fromConfig(
    config: Config,
    deps: AlertDeps & { environments: Environment[] },
  ): ShipdeckAlerts | undefined {
    const own = config.getOptionalConfig('gitops.notifications');
    if (own?.getOptionalBoolean('enabled') === false) return undefined;
    const settings = new Map(
      deps.environments.map(e => [e.name, alertSettings(own, e)]),
    );
    return new ShipdeckAlerts(deps, settings);
  }

  private constructor(
    private readonly deps: AlertDeps,
    private readonly settings: Map<string, AlertSettings>,
  ) {}

  /** One look: what is news now, sent once each. Returns what it sent. */
  async lookAll(now = Date.now()): Promise<Alert[]> {
    const alerts = [
      ...(await this.#endedDeployments(now)),
      ...(await this.#waitingPullRequests(now)),
      ...(await this.#degradedApplications()),
    ];
    const sent: Alert[] = [];
    for (const alert of alerts) {
      if (!(await this.deps.ledger.claim(alert.key, alert.entityRef))) continue;
      try {
        await this.#send(alert);
        sent.push(alert);
      } catch (error) {
        // Not sent: forget the claim so the next look tries again.
        await this.deps.ledger.release([alert.key]);
        this.deps.logger.warn(
          `Could not send the notification "${alert.title}": ${error}`,
        );
      }
    }
    return sent;
  }

  #settingsOf(environment: string): AlertSettings | undefined {
    return this.settings.get(environment);
  }

  async #endedDeployments(now: number): Promise<Alert[]> {
    const records = await this.deps.deployments.listByStatus(
      ['degraded', 'failed'],
      { since: new Date(now - ENDED_WITHIN_MS).toISOString(), limit: LIMIT },
    );
    return records.flatMap(record => {
      const settings = this.#settingsOf(record.environment);
      const alert = settings && deploymentAlert(record, settings);
      return alert ? [alert] : [];
    });
  }

  async #waitingPullRequests(now: number): Promise<Alert[]> {
    const records = await this.deps.deployments.listByStatus(['pr-opened'], {
      limit: LIMIT,
    });
    return records.flatMap(record => {
      const settings = this.#settingsOf(record.environment);
      const alert = settings && waitingPullRequestAlert(record, settings, now);
      return alert ? [alert] : [];
    });
  }

  /**
   * Degraded Applications that Shipdeck deployed (records name their
   * entity), and the end of incidents whose Application is no longer so.
   */
  async #degradedApplications(): Promise<Alert[]> {
    const snapshots = await this.deps.snapshots.listAll();
    const degraded = snapshots.filter(
      s => s.application.status?.health?.status === 'Degraded',
    );
    const targets = degraded.length
      ? await this.deps.deployments.targetsOfApplications(degraded)
      : new Map();
    const alerts = degraded.flatMap(s => {
      const target = targets.get(appKeyString(s));
      const settings = target && this.#settingsOf(target.environment);
      const alert =
        settings &&
        degradedAlert(
          {
            instance: s.instance,
            namespace: s.namespace,
            name: s.name,
            health: 'Degraded',
            message: s.application.status?.health?.message,
          },
          target,
          settings,
        );
      return alert ? [alert] : [];
    });
    const still = new Set(
      degraded.map(
        s => `${DEGRADED_PREFIX}${s.instance}/${s.namespace}/${s.name}`,
      ),
    );
    const ended = (await this.deps.ledger.listKeys(DEGRADED_PREFIX)).filter(
      key => !still.has(key),
    );
    await this.deps.ledger.release(ended);
    return alerts;
  }

  /** To the entity's owners (the notifications backend expands groups). */
  async #send(alert: Alert) {
    const credentials = await this.deps.auth.getOwnServiceCredentials();
    const entity = await this.deps.catalog.getEntityByRef(alert.entityRef, {
      credentials,
    });
    const owners = (entity?.relations ?? [])
      .filter(r => r.type === 'ownedBy')
      .map(r => r.targetRef);
    await this.deps.notifications.send({
      recipients: {
        type: 'entity',
        entityRef: owners.length ? owners : alert.entityRef,
      },
      payload: {
        title: alert.title,
        description: alert.description,
        link: alert.link,
        severity: alert.severity,
        topic: `shipdeck:${alert.environment}`,
        scope: alert.key,
      },
    });
  }
}
