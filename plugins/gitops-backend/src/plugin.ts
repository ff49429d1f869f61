import {
  coreServices,
  createBackendPlugin,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  LoggerService,
  RootConfigService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { EventsService, eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { gitopsPermissions } from '@shipdeck/plugin-gitops-common';
import { createGitopsServices } from './createGitopsServices';
import { gitHubWebhooks } from './pullRequests/GitHubWebhooks';
import { gitLabWebhooks } from './pullRequests/GitLabWebhooks';
import { subscribeToWebhooks as subscribeToHostWebhooks } from './pullRequests/webhooks';
import { createRouter } from './router';
import { seedLocalRepositories } from './scm/seedLocalRepositories';
import { scheduleShipdeckAlerts } from './notifications/scheduleAlerts';

/** The global task that looks at every Argo CD instance. */
export const SNAPSHOT_TASK_ID = 'gitops-argocd-snapshot';
/** The global task that looks at the pull requests Shipdeck waits for. */
export const PULL_REQUEST_TASK_ID = 'gitops-pull-requests';

/** The schedule at `key`, or `fallback` when it is not configured. */
function scheduleAt(
  config: RootConfigService,
  key: string,
  fallback: SchedulerServiceTaskScheduleDefinition,
): SchedulerServiceTaskScheduleDefinition {
  return config.has(key)
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
        config.getConfig(key),
      )
    : fallback;
}

type GitopsServices = Awaited<ReturnType<typeof createGitopsServices>>;

/** The two global tasks: the Argo CD snapshot and the pull request look. */
async function scheduleGitopsTasks(options: {
  config: RootConfigService;
  scheduler: SchedulerService;
  services: GitopsServices;
}) {
  const { config, scheduler, services } = options;
  // Once per interval across all replicas; page views read what it stores.
  await scheduler.scheduleTask({
    id: SNAPSHOT_TASK_ID,
    scope: 'global',
    ...scheduleAt(config, 'gitops.schedule', {
      frequency: { seconds: 30 },
      timeout: { minutes: 2 },
    }),
    fn: () => services.refresher.refreshAll(),
  });
  // Pull requests are merged or closed on GitHub (or by plain git in a
  // local repository) as often as through Shipdeck: look at the awaited
  // ones once per interval across all replicas, and when a webhook says one
  // changed.
  await scheduler.scheduleTask({
    id: PULL_REQUEST_TASK_ID,
    scope: 'global',
    ...scheduleAt(config, 'gitops.pullRequests.schedule', {
      frequency: { minutes: 1 },
      timeout: { minutes: 2 },
    }),
    fn: () => services.tracker.lookAll(),
  });
}

/**
 * With a webhook secret, GitHub's events (checked by
 * gitopsGitHubWebhooksModule) and GitLab's merge request and pipeline events
 * (gitopsGitLabWebhooksModule) have the tracker look at once.
 */
async function subscribeToWebhooks(options: {
  config: RootConfigService;
  events: EventsService;
  logger: LoggerService;
  services: GitopsServices;
}) {
  const { config, events, logger, services } = options;
  for (const host of [gitHubWebhooks, gitLabWebhooks]) {
    await subscribeToHostWebhooks(host, {
      config,
      events,
      logger,
      tracker: services.tracker,
      pullRequests: services.stores.pullRequests,
    });
  }
}

/**
 * Shipdeck's backend plugin, mounted at `/api/gitops`.
 *
 * @public
 */
export const gitopsPlugin = createBackendPlugin({
  pluginId: 'gitops',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        auditor: coreServices.auditor,
        database: coreServices.database,
        discovery: coreServices.discovery,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        cache: coreServices.cache,
        catalog: catalogServiceRef,
        signals: signalsServiceRef,
        events: eventsServiceRef,
        notifications: notificationService,
      },
      async init(deps) {
        const { config, logger, scheduler } = deps;
        deps.permissionsRegistry.addPermissions(gitopsPermissions);
        await seedLocalRepositories({ config, logger });

        const services = await createGitopsServices({
          ...deps,
          // After Shipdeck writes or acts, look again now rather than at the
          // next tick.
          lookAgain: () => {
            scheduler.triggerTask(SNAPSHOT_TASK_ID).catch(() => undefined);
          },
        });
        await scheduleGitopsTasks({ config, scheduler, services });
        // Owners hear of failed deployments, Degraded Applications and
        // pull requests that wait (gitops.notifications).
        await scheduleShipdeckAlerts({ ...deps, services });
        await subscribeToWebhooks({ ...deps, services });

        deps.httpRouter.use(
          await createRouter({
            ...services,
            auth: deps.auth,
            httpAuth: deps.httpAuth,
            auditor: deps.auditor,
          }),
        );
        deps.httpRouter.addAuthPolicy({
          path: '/health',
          allow: 'unauthenticated',
        });
      },
    });
  },
});
