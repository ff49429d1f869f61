import { Config } from '@backstage/config';
import { parseEntityRef } from '@backstage/catalog-model';
import { NotificationSeverity } from '@backstage/plugin-notifications-common';
import { DeploymentRecord, Environment } from '@shipdeck/plugin-gitops-common';

/**
 * What Shipdeck tells an environment's owners about. Defaults: protected
 * environments (production) alert on failed or degraded deployments and on
 * a Degraded Application; pull request environments alert when a pull
 * request Shipdeck opened has waited a day.
 */
export interface AlertSettings {
  deploymentFailed: boolean;
  applicationDegraded: boolean;
  /** 0: never. */
  pullRequestWaitMinutes: number;
}

export const DEFAULT_PULL_REQUEST_WAIT_MINUTES = 24 * 60;

/** An environment's settings: `gitops.notifications.environments.<name>` over the defaults. */
export function alertSettings(
  config: Config | undefined,
  environment: Pick<Environment, 'name' | 'protected' | 'pullRequest'>,
): AlertSettings {
  const own = config?.getOptionalConfig(`environments.${environment.name}`);
  return {
    deploymentFailed:
      own?.getOptionalBoolean('deploymentFailed') ?? environment.protected,
    applicationDegraded:
      own?.getOptionalBoolean('applicationDegraded') ?? environment.protected,
    pullRequestWaitMinutes:
      own?.getOptionalNumber('pullRequestWaitMinutes') ??
      (environment.pullRequest
        ? config?.getOptionalNumber('pullRequestWaitMinutes') ??
          DEFAULT_PULL_REQUEST_WAIT_MINUTES
        : 0),
  };
}

/** One notification to send, at most once per `key` (the incident). */
export interface Alert {
  key: string;
  entityRef: string;
  environment: string;
  severity: NotificationSeverity;
  title: string;
  description: string;
  /** The entity's Deployments tab. */
  link: string;
}

/** The Deployments tab of an entity, as the app routes it. */
export function deploymentsTab(entityRef: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/catalog/${namespace}/${kind.toLocaleLowerCase(
    'en-US',
  )}/${name}/deployments`;
}

function serviceName(entityRef: string): string {
  return parseEntityRef(entityRef).name;
}

/** A deployment that ended degraded or failed, where that is alerted on. */
export function deploymentAlert(
  record: Pick<
    DeploymentRecord,
    'id' | 'entityRef' | 'environment' | 'status' | 'toVersion' | 'actor'
  > & { steps?: DeploymentRecord['steps'] },
  settings: AlertSettings,
): Alert | undefined {
  if (!settings.deploymentFailed) return undefined;
  if (record.status !== 'degraded' && record.status !== 'failed') {
    return undefined;
  }
  const why = record.steps?.[record.steps.length - 1]?.message;
  return {
    key: `deployment:${record.id}:${record.status}`,
    entityRef: record.entityRef,
    environment: record.environment,
    severity: record.status === 'failed' ? 'critical' : 'high',
    title: `${serviceName(record.entityRef)} ${record.toVersion} ${
      record.status === 'failed' ? 'failed' : 'is degraded'
    } in ${record.environment}`,
    description: `The deployment by ${record.actor.replace(
      /^user:(default\/)?/,
      '',
    )} ended ${record.status}${why ? `: ${why}` : ''}.`,
    link: deploymentsTab(record.entityRef),
  };
}

/** The incident key of an Application being Degraded; it ends when the app is not. */
export const DEGRADED_PREFIX = 'degraded:';

/** An Application that is Degraded, where that is alerted on. */
export function degradedAlert(
  app: {
    instance: string;
    namespace: string;
    name: string;
    health: string;
    message?: string;
  },
  target: { entityRef: string; environment: string },
  settings: AlertSettings,
): Alert | undefined {
  if (!settings.applicationDegraded || app.health !== 'Degraded') {
    return undefined;
  }
  return {
    key: `${DEGRADED_PREFIX}${app.instance}/${app.namespace}/${app.name}`,
    entityRef: target.entityRef,
    environment: target.environment,
    severity: 'critical',
    title: `${serviceName(target.entityRef)} is Degraded in ${
      target.environment
    }`,
    description: `Argo CD reports Application ${app.name} (${
      app.instance
    }) Degraded${app.message ? `: ${app.message}` : ''}.`,
    link: deploymentsTab(target.entityRef),
  };
}

/** A pull request Shipdeck opened that has waited longer than allowed. */
export function waitingPullRequestAlert(
  record: Pick<
    DeploymentRecord,
    | 'id'
    | 'entityRef'
    | 'environment'
    | 'status'
    | 'toVersion'
    | 'createdAt'
    | 'pullRequestUrl'
  >,
  settings: AlertSettings,
  now: number,
): Alert | undefined {
  if (record.status !== 'pr-opened' || settings.pullRequestWaitMinutes <= 0) {
    return undefined;
  }
  const waited = (now - Date.parse(record.createdAt)) / 60_000;
  if (waited < settings.pullRequestWaitMinutes) return undefined;
  const hours = Math.floor(waited / 60);
  return {
    key: `pull-request:${record.id}`,
    entityRef: record.entityRef,
    environment: record.environment,
    severity: 'normal',
    title: `${serviceName(record.entityRef)} ${
      record.toVersion
    } waits for review in ${record.environment}`,
    description: `Its pull request${
      record.pullRequestUrl ? ` ${record.pullRequestUrl}` : ''
    } has been open for ${
      hours >= 1
        ? `${hours} hour${hours === 1 ? '' : 's'}`
        : `${Math.floor(waited)} minutes`
    }.`,
    link: deploymentsTab(record.entityRef),
  };
}
