import {
  AuthService,
  CacheService,
  DatabaseService,
  DiscoveryService,
  LoggerService,
  PermissionsService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { SignalsService } from '@backstage/plugin-signals-node';
import {
  DeploymentRecord,
  ManifestRepositoryInfo,
} from '@shipdeck/plugin-gitops-common';
import { HttpArgoCdClient } from './argocd/HttpArgoCdClient';
import { applicationLocatorOptions } from './argocd/ApplicationLocator';
import { readArgoCdConfig } from './argocd/argoCdConfig';
import { refreshAfterCommit } from './argocd/refreshAfterCommit';
import { ArgoAppRef } from './argocd/types';
import { BranchLeases } from './database/BranchLeases';
import { DatabaseDeploymentStore } from './database/DatabaseDeploymentStore';
import { DeploymentStore } from './database/DeploymentStore';
import { IdempotencyStore } from './database/IdempotencyStore';
import { MetricsStore } from './database/MetricsStore';
import { PullRequestStore } from './database/PullRequestStore';
import { PullRequestTracker } from './pullRequests/PullRequestTracker';
import { OciRegistryClient } from './registry/OciRegistryClient';
import { createGitHubRepositoryFactory } from './scm/createGitHubRepositoryFactory';
import { BranchLocks } from './scm/BranchLocks';
import { ManifestRepositories } from './scm/ManifestRepositories';
import { SourceChangesService } from './service/SourceChangesService';
import { DefaultSourceChangesService } from './service/DefaultSourceChangesService';
import { DefaultLocalRepositoryService } from './service/DefaultLocalRepositoryService';
import { LocalRepositoryService } from './service/LocalRepositoryService';
import { manifestRepositoryInfo } from './scm/manifestRepositoryInfo';
import { AuthorizedDeploymentService } from './service/AuthorizedDeploymentService';
import { AuthorizedManifestPublishService } from './service/AuthorizedManifestPublishService';
import { AuthorizedPullRequestService } from './service/AuthorizedPullRequestService';
import { AuthorizedSyncService } from './service/AuthorizedSyncService';
import { ChangeSetWriter } from './service/ChangeSetWriter';
import { DefaultDeploymentService } from './service/DefaultDeploymentService';
import { DeploymentProgressTracker } from './service/DeploymentProgressTracker';
import { DefaultEnvironmentService } from './service/DefaultEnvironmentService';
import { DefaultManifestPublishService } from './service/DefaultManifestPublishService';
import { DefaultMetricsService } from './service/DefaultMetricsService';
import { DefaultPullRequestService } from './service/DefaultPullRequestService';
import { DefaultSyncService } from './service/DefaultSyncService';
import { DeploymentService } from './service/DeploymentService';
import { EnvironmentService } from './service/EnvironmentService';
import { ManifestPublishService } from './service/ManifestPublishService';
import { MetricsService } from './service/MetricsService';
import { OverviewService } from './service/OverviewService';
import { PullRequestService } from './service/PullRequestService';
import { SyncService } from './service/SyncService';
import { TimelineService } from './service/TimelineService';
import {
  DeploymentNotifier,
  SignalsDeploymentNotifier,
  silentNotifier,
} from './signals/DeploymentNotifier';
import { ApplicationRefs } from './snapshots/ApplicationRefs';
import { SnapshotRefresher } from './snapshots/SnapshotRefresher';
import { SnapshotStore } from './database/SnapshotStore';
import { TargetResolver } from './targets/TargetResolver';

/** Everything Shipdeck persists, in the plugin's database. */
export interface GitopsStores {
  deployments: DeploymentStore;
  snapshots: SnapshotStore;
  idempotency: IdempotencyStore;
  pullRequests: PullRequestStore;
  metrics: MetricsStore;
  /** Replicas take turns writing a branch; without, only one process queues. */
  branchLeases?: BranchLeases;
}

/** What {@link createGitopsServices} needs: Backstage's services, by their plugin names. */
export interface GitopsServicesOptions {
  config: RootConfigService;
  logger: LoggerService;
  database: DatabaseService;
  auth: AuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  /** Registry answers (image checks) are cached here when given. */
  cache?: CacheService;
  /** Open pages refetch on these signals; without, they poll. */
  signals?: SignalsService;
  /** For links to local manifest repositories, which the backend serves. */
  discovery?: DiscoveryService;
  /**
   * Asks for a new look at every Argo CD instance now, rather than at the
   * next tick of the snapshot task (the plugin triggers that task).
   */
  lookAgain?: () => void;
  /**
   * Replaces the Argo CD client built from `gitops.argocd.instances`, e.g. an
   * instrumented one in a bench.
   */
  argocd?: HttpArgoCdClient;
  /** Replaces the database stores, e.g. instrumented ones in a bench. */
  stores?: GitopsStores;
}

/** Every service of the plugin, each built once. */
export interface GitopsServices {
  stores: GitopsStores;
  argocd: HttpArgoCdClient;
  targets: TargetResolver;
  refs: ApplicationRefs;
  repositories: ManifestRepositories;
  notifier: DeploymentNotifier;
  /** The one writer of manifest changes: writes to one branch queue up. */
  writer: ChangeSetWriter;
  /** The snapshot task's work: one look at every Argo CD instance. */
  refresher: SnapshotRefresher;
  /** The pull request task's work, and what webhooks wake. */
  tracker: PullRequestTracker;
  /** The default manifest repository, for templates (GET /environments). */
  manifestRepository?: ManifestRepositoryInfo;
  environments: EnvironmentService;
  deployments: DeploymentService;
  manifests: ManifestPublishService;
  pullRequests: PullRequestService;
  sync: SyncService;
  timeline: TimelineService;
  overview: OverviewService;
  metrics: MetricsService;
  sourceChanges: SourceChangesService;
  localRepositories: LocalRepositoryService;
  idempotency: IdempotencyStore;
}

/** The stores on the plugin's database, migrated. */
export async function createGitopsStores(options: {
  database: DatabaseService;
}): Promise<GitopsStores> {
  const deployments = await DatabaseDeploymentStore.create(options);
  return {
    deployments,
    snapshots: deployments.snapshots(),
    idempotency: deployments.idempotency(),
    pullRequests: deployments.pullRequests(),
    metrics: deployments.metrics(),
    branchLeases: deployments.branchLeases(),
  };
}

/** What every service shares, built first. */
type Core = Pick<
  GitopsServices,
  'stores' | 'argocd' | 'targets' | 'refs' | 'repositories' | 'notifier'
> & {
  options: GitopsServicesOptions;
  /** Has Argo CD look at Git now for these Applications, then looks again. */
  refreshApplications: (apps: ArgoAppRef[]) => void;
};

/**
 * Builds every Shipdeck service once, from configuration and Backstage's
 * services: the plugin serves them, and the benches run the same objects.
 * Scheduling (the snapshot and pull request tasks) is the caller's.
 */
export async function createGitopsServices(
  options: GitopsServicesOptions,
): Promise<GitopsServices> {
  const { config, logger } = options;
  const stores = options.stores ?? (await createGitopsStores(options));
  // `gitops.argocd` is read here once, for the client, names and links.
  const argocdConfig = readArgoCdConfig(config);
  const argocd =
    options.argocd ?? new HttpArgoCdClient(argocdConfig.instances, { logger });
  const core: Core = {
    options,
    stores,
    argocd,
    targets: TargetResolver.fromConfig(config, argocdConfig),
    refs: new ApplicationRefs(
      stores.snapshots,
      applicationLocatorOptions(argocdConfig),
      ref => argocd.applicationUrl(ref),
    ),
    repositories: ManifestRepositories.fromConfig(config, {
      logger,
      github: createGitHubRepositoryFactory(config, logger),
      webBaseUrl: await options.discovery?.getExternalBaseUrl('gitops'),
    }),
    notifier: options.signals
      ? new SignalsDeploymentNotifier(options.signals, logger)
      : silentNotifier,
    refreshApplications: refreshAfterCommit({
      argocd,
      logger,
      thenLookAgain: options.lookAgain,
    }),
  };
  const { afterMerge, ...writeServices } = createWriteServices(core);
  return {
    stores,
    argocd,
    targets: core.targets,
    refs: core.refs,
    repositories: core.repositories,
    notifier: core.notifier,
    ...writeServices,
    ...createReadServices(core),
    refresher: new SnapshotRefresher(
      argocd,
      stores.snapshots,
      stores.deployments,
      logger,
      core.notifier,
      new DeploymentProgressTracker({
        snapshots: stores.snapshots,
        deployments: stores.deployments,
        notifier: core.notifier,
      }),
    ),
    tracker: new PullRequestTracker(
      core.repositories,
      stores.deployments,
      stores.pullRequests,
      core.notifier,
      logger,
      afterMerge,
    ),
    manifestRepository: manifestRepositoryInfo(config),
    idempotency: stores.idempotency,
  };
}

/** Deployments, publishes, pull requests and Argo CD actions. */
function createWriteServices(core: Core) {
  const { options, stores, targets, repositories, notifier, refs } = core;
  const { auth, catalog, config, permissions, logger, lookAgain } = options;
  const store = stores.deployments;
  // Merged records name their Application: have Argo CD look at it now.
  const afterMerge = (merged: DeploymentRecord[]) =>
    core.refreshApplications(
      merged.flatMap(record => (record.argocd ? [record.argocd] : [])),
    );
  // What both write paths need; one writer, so deployments and publishes to
  // one branch queue up.
  const writer = new ChangeSetWriter(
    repositories,
    new BranchLocks(stores.branchLeases),
  );
  const writePath = {
    auth,
    catalog,
    config,
    targets,
    repositories,
    writer,
    store,
    notifier,
    refs,
  };
  return {
    afterMerge,
    writer,
    manifests: new AuthorizedManifestPublishService(
      DefaultManifestPublishService.create({
        ...writePath,
        // New Applications appear when Argo CD reads the app-of-apps folder;
        // look again soon rather than at the next tick.
        afterCommit: lookAgain,
      }),
      permissions,
    ),
    deployments: new AuthorizedDeploymentService(
      DefaultDeploymentService.create({
        ...writePath,
        registry: OciRegistryClient.fromConfig(config, {
          cache: options.cache,
        }),
        // Selector-named targets name their Application once located.
        afterCommit: committed =>
          refs
            .locateTargets(committed)
            .then(located =>
              core.refreshApplications(located.map(t => t.argocd)),
            )
            .catch(error =>
              logger.warn(`Could not refresh after a commit: ${error}`),
            ),
      }),
      permissions,
    ),
    pullRequests: new AuthorizedPullRequestService(
      DefaultPullRequestService.create({
        auth,
        repositories,
        targets,
        store,
        notifier,
        afterMerge,
      }),
      permissions,
    ),
    sync: new AuthorizedSyncService(
      new DefaultSyncService(catalog, targets, core.argocd, refs, lookAgain),
      permissions,
    ),
  };
}

/** What pages read: environments, timeline, overview and metrics. */
function createReadServices(core: Core) {
  const { options, stores, targets, refs, argocd } = core;
  const { catalog, config } = options;
  const store = stores.deployments;
  const { snapshots } = stores;
  const staleAfterMs =
    (config.getOptionalNumber('gitops.staleAfterSeconds') ?? 120) * 1000;
  // Undefined for an instance that is not configured.
  const applicationUrl = (ref: ArgoAppRef) => argocd.applicationUrl(ref);
  return {
    environments: DefaultEnvironmentService.create({
      catalog,
      targets,
      store,
      snapshots,
      refs,
      staleAfterMs,
      pullRequests: stores.pullRequests,
    }),
    timeline: TimelineService.create({
      catalog,
      targets,
      store,
      snapshots,
      refs,
      applicationUrl,
      pullRequests: stores.pullRequests,
    }),
    overview: OverviewService.create({
      catalog,
      targets,
      store,
      snapshots,
      staleAfterMs,
      refs,
      applicationUrl,
    }),
    metrics: DefaultMetricsService.create({
      catalog,
      targets,
      metrics: stores.metrics,
      refs,
    }),
    sourceChanges: DefaultSourceChangesService.create({
      catalog,
      repository: id => core.repositories.get(id),
      sourceVersionTemplate: config.getOptionalString(
        'gitops.sourceVersionTemplate',
      ),
    }),
    localRepositories: DefaultLocalRepositoryService.create({
      catalog,
      targets,
      repositories: core.repositories,
    }),
  };
}
