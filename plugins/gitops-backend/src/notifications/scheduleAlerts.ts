import {
  AuthService,
  DatabaseService,
  LoggerService,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  RootConfigService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { DatabaseNotificationLedger } from '../database/NotificationLedger';
import { GitopsServices } from '../createGitopsServices';
import { ShipdeckAlerts } from './ShipdeckAlerts';

/** The global task that tells owners about incidents. */
export const NOTIFICATION_TASK_ID = 'gitops-notifications';

/**
 * Schedules the look that sends Shipdeck's notifications, once per interval
 * across all replicas (`gitops.notifications.schedule`, default every
 * minute), unless `gitops.notifications.enabled` is false.
 */
export async function scheduleShipdeckAlerts(deps: {
  config: RootConfigService;
  logger: LoggerService;
  auth: AuthService;
  catalog: CatalogService;
  database: DatabaseService;
  scheduler: SchedulerService;
  notifications: NotificationService;
  services: Pick<GitopsServices, 'stores' | 'targets'>;
}): Promise<ShipdeckAlerts | undefined> {
  const { services, config } = deps;
  const key = 'gitops.notifications.schedule';
  const schedule: SchedulerServiceTaskScheduleDefinition = config.has(key)
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
        config.getConfig(key),
      )
    : { frequency: { minutes: 1 }, timeout: { minutes: 2 } };
  const alerts = ShipdeckAlerts.fromConfig(deps.config, {
    logger: deps.logger,
    auth: deps.auth,
    catalog: deps.catalog,
    notifications: deps.notifications,
    ledger: await DatabaseNotificationLedger.create(deps),
    deployments: services.stores.deployments,
    snapshots: services.stores.snapshots,
    environments: services.targets.listEnvironments(),
  });
  if (!alerts) return undefined;
  await deps.scheduler.scheduleTask({
    id: NOTIFICATION_TASK_ID,
    scope: 'global',
    ...schedule,
    fn: async () => {
      await alerts.lookAll();
    },
  });
  return alerts;
}
