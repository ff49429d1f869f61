import {
  coreServices,
  createBackendPlugin,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { gitopsPermissions } from '@shipdeck/plugin-gitops-common';
import { HttpArgoCdClient } from './argocd/HttpArgoCdClient';
import { readApplicationLocatorOptions } from './argocd/ApplicationLocator';
import { ApplicationRefs } from './snapshots/ApplicationRefs';
import { DatabaseDeploymentStore } from './database/DatabaseDeploymentStore';
import { OciRegistryClient } from './registry/OciRegistryClient';
import { PullRequestTracker } from './pullRequests/PullRequestTracker';
import {
  subscribeToGitHubWebhooks,
  webhookTopic,
} from './pullRequests/GitHubWebhooks';
import { createRouter } from './router';
import { createGitHubRepositoryFactory } from './scm/createGitHubRepositoryFactory';
import { ManifestRepositories } from './scm/ManifestRepositories';
import { manifestRepositoryInfo } from './scm/manifestRepositoryInfo';
import { seedLocalRepositories } from './scm/seedLocalRepositories';
import { AuthorizedDeploymentService } from './service/AuthorizedDeploymentService';
import { AuthorizedPullRequestService } from './service/AuthorizedPullRequestService';
import { AuthorizedSyncService } from './service/AuthorizedSyncService';
import { AuthorizedManifestPublishService } from './service/AuthorizedManifestPublishService';
import { DefaultManifestPublishService } from './service/DefaultManifestPublishService';
import { ChangeSetWriter } from './service/ChangeSetWriter';
import { DefaultDeploymentService } from './service/DefaultDeploymentService';
import { DefaultEnvironmentService } from './service/DefaultEnvironmentService';
import { DefaultMetricsService } from './service/DefaultMetricsService';
import { DefaultPullRequestService } from './service/DefaultPullRequestService';
import { DefaultSyncService } from './service/DefaultSyncService';
import { OverviewService } from './service/OverviewService';
import { TimelineService } from './service/TimelineService';
import { SignalsDeploymentNotifier } from './signals/DeploymentNotifier';
import { SnapshotRefresher } from './snapshots/SnapshotRefresher';
import { TargetResolver } from './targets/TargetResolver';

/** The global task that looks at every Argo CD instance. */
export const SNAPSHOT_TASK_ID = 'gitops-argocd-snapshot';
/** The global task that looks at the pull requests Shipdeck waits for. */
export const PULL_REQUEST_TASK_ID = 'gitops-pull-requests';

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
      },
      async init(deps) {
        const { config, logger, database, catalog, scheduler } = deps;
        deps.permissionsRegistry.addPermissions(gitopsPermissions);
        await seedLocalRepositories({ config, logger });

        const targets = TargetResolver.fromConfig(config);
        const store = await DatabaseDeploymentStore.create({ database });
        const snapshots = store.snapshots();
        const argocd = HttpArgoCdClient.fromConfig(config, { logger });
        // Undefined for an instance that is not configured.
        const applicationUrl = (ref: {
          instance: string;
          name: string;
          namespace?: string;
        }) => argocd.applicationUrl(ref);
        const refs = new ApplicationRefs(
          snapshots,
          readApplicationLocatorOptions(config),
          applicationUrl,
        );
        const staleAfterMs =
          (config.getOptionalNumber('gitops.staleAfterSeconds') ?? 120) * 1000;

        // Open pages refetch on these; without signals they poll.
        const notifier = new SignalsDeploymentNotifier(deps.signals, logger);

        // Once per interval across all replicas; page views read what it stores.
        const refresher = new SnapshotRefresher(
          argocd,
          snapshots,
          store,
          logger,
          notifier,
        );
        const schedule = config.has('gitops.schedule')
          ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
              config.getConfig('gitops.schedule'),
            )
          : { frequency: { seconds: 30 }, timeout: { minutes: 2 } };
        await scheduler.scheduleTask({
          id: SNAPSHOT_TASK_ID,
          scope: 'global',
          ...schedule,
          fn: () => refresher.refreshAll(),
        });
        // After Shipdeck writes or acts, look again now rather than at the next tick.
        const lookAgain = () => {
          scheduler.triggerTask(SNAPSHOT_TASK_ID).catch(() => undefined);
        };

        // Argo CD polls Git every few minutes; after a commit (or a merge)
        // ask it to look at the changed Applications now, then take one new
        // look at all of them.
        const refreshApplications = (
          apps: Array<{ instance: string; name: string; namespace?: string }>,
        ) => {
          const refreshes = apps
            .filter(app => argocd.instances().includes(app.instance))
            .map(app =>
              argocd
                .getApplication(
                  {
                    instance: app.instance,
                    name: app.name,
                    namespace: app.namespace,
                  },
                  { refresh: 'normal' },
                )
                .catch(error =>
                  logger.warn(`Refresh of ${app.name} failed: ${error}`),
                ),
            );
          if (refreshes.length) {
            Promise.all(refreshes).then(lookAgain);
          }
        };

        const repositories = ManifestRepositories.fromConfig(config, {
          logger,
          github: createGitHubRepositoryFactory(config, logger),
          webBaseUrl: await deps.discovery.getExternalBaseUrl('gitops'),
        });
        const pullRequestStore = store.pullRequests();
        const environments = DefaultEnvironmentService.create({
          catalog,
          targets,
          store,
          snapshots,
          refs,
          staleAfterMs,
          pullRequests: pullRequestStore,
        });
        // Pull requests are merged or closed on GitHub (or by plain git in a
        // local repository) as often as through Shipdeck: look at the awaited
        // ones once per interval across all replicas, and when a webhook
        // says one changed.
        const tracker = new PullRequestTracker(
          repositories,
          store,
          pullRequestStore,
          notifier,
          logger,
          merged =>
            refreshApplications(
              merged.flatMap(record => (record.argocd ? [record.argocd] : [])),
            ),
        );
        await scheduler.scheduleTask({
          id: PULL_REQUEST_TASK_ID,
          scope: 'global',
          ...(config.has('gitops.pullRequests.schedule')
            ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
                config.getConfig('gitops.pullRequests.schedule'),
              )
            : { frequency: { minutes: 1 }, timeout: { minutes: 2 } }),
          fn: () => tracker.lookAll(),
        });
        // With a webhook secret, GitHub's events (checked by
        // gitopsGitHubWebhooksModule) have the tracker look at once.
        if (config.has('gitops.github.webhookSecret')) {
          await subscribeToGitHubWebhooks({
            events: deps.events,
            topic: webhookTopic(config),
            tracker,
            pullRequests: pullRequestStore,
            logger,
          });
        }
        // What both write paths need; one writer, so deployments and
        // publishes to one branch queue up.
        const writePath = {
          auth: deps.auth,
          catalog,
          config,
          targets,
          repositories,
          writer: new ChangeSetWriter(repositories),
          store,
          notifier,
          refs,
        };
        const manifests = new AuthorizedManifestPublishService(
          DefaultManifestPublishService.create({
            ...writePath,
            // New Applications appear when Argo CD reads the app-of-apps
            // folder; look again soon rather than at the next tick.
            afterCommit: lookAgain,
          }),
          deps.permissions,
        );
        const deployments = new AuthorizedDeploymentService(
          DefaultDeploymentService.create({
            ...writePath,
            registry: OciRegistryClient.fromConfig(config, {
              cache: deps.cache,
            }),
            // Selector-named targets name their Application once located.
            afterCommit: committed =>
              refs
                .locateTargets(committed)
                .then(located =>
                  refreshApplications(located.map(t => t.argocd)),
                )
                .catch(error =>
                  logger.warn(`Could not refresh after a commit: ${error}`),
                ),
          }),
          deps.permissions,
        );
        const pullRequests = new AuthorizedPullRequestService(
          DefaultPullRequestService.create({
            auth: deps.auth,
            repositories,
            targets,
            store,
            notifier,
            afterMerge: merged =>
              refreshApplications(
                merged.flatMap(record =>
                  record.argocd ? [record.argocd] : [],
                ),
              ),
          }),
          deps.permissions,
        );
        const sync = new AuthorizedSyncService(
          new DefaultSyncService(catalog, targets, argocd, refs, lookAgain),
          deps.permissions,
        );

        deps.httpRouter.use(
          await createRouter({
            auth: deps.auth,
            httpAuth: deps.httpAuth,
            auditor: deps.auditor,
            environments,
            deployments,
            idempotency: store.idempotency(),
            pullRequests,
            manifests,
            manifestRepository: manifestRepositoryInfo(config),
            repositories,
            sync,
            timeline: new TimelineService(
              catalog,
              targets,
              store,
              snapshots,
              refs,
              applicationUrl,
              pullRequestStore,
            ),
            metrics: DefaultMetricsService.create({
              catalog,
              targets,
              metrics: store.metrics(),
              refs,
            }),
            overview: new OverviewService(
              catalog,
              targets,
              store,
              snapshots,
              staleAfterMs,
              refs,
              applicationUrl,
            ),
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
