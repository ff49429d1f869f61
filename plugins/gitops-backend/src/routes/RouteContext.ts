import express from 'express';
import { JsonObject } from '@backstage/types';
import {
  AuditorService,
  AuthService,
  BackstageCredentials,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import { ManifestRepositoryInfo } from '@shipdeck/plugin-gitops-common';
import { IdempotencyStore } from '../database/IdempotencyStore';
import { DeploymentService } from '../service/DeploymentService';
import { EnvironmentService } from '../service/EnvironmentService';
import { SyncService } from '../service/SyncService';
import { TimelineService } from '../service/TimelineService';
import { OverviewService } from '../service/OverviewService';
import { MetricsService } from '../service/MetricsService';
import { PullRequestService } from '../service/PullRequestService';
import { ManifestPublishService } from '../service/ManifestPublishService';
import { LocalRepositoryService } from '../service/LocalRepositoryService';
import { SourceChangesService } from '../service/SourceChangesService';
import {
  IdempotentDeploymentService,
  IdempotentManifestPublishService,
  IdempotentWrites,
} from '../service/IdempotentDeploymentService';

/** What `createRouter` is given: the plugin's services, already authorized. */
export interface RouterOptions {
  auth: AuthService;
  httpAuth: HttpAuthService;
  auditor: AuditorService;
  environments: EnvironmentService;
  deployments: DeploymentService;
  /** Where Idempotency-Keys are claimed (see IdempotentWrites). */
  idempotency: IdempotencyStore;
  sync: SyncService;
  timeline: TimelineService;
  overview: OverviewService;
  metrics: MetricsService;
  pullRequests: PullRequestService;
  manifests: ManifestPublishService;
  /** Source commits between two versions, for the deploy and promote dialogs. */
  sourceChanges: SourceChangesService;
  /** Commits, files and pull requests of local manifest repositories. */
  localRepositories: LocalRepositoryService;
  /** The default manifest repository, for templates (GET /environments). */
  manifestRepository?: ManifestRepositoryInfo;
}

/** What every route module works with. */
export interface RouteContext extends RouterOptions {
  /** Writes that replay under an Idempotency-Key. */
  deployments: IdempotentDeploymentService;
  manifests: IdempotentManifestPublishService;
  /** The caller, user or service; 401 without credentials. */
  credentialsOf(req: express.Request): Promise<BackstageCredentials>;
  audited: Audited;
}

/** What an audited request records, and how it answers. */
export type AuditedWork = () => Promise<{
  meta?: JsonObject;
  respond: () => void;
}>;

export type Audited = (
  event: Parameters<AuditorService['createEvent']>[0],
  work: AuditedWork,
) => Promise<void>;

export function createRouteContext(options: RouterOptions): RouteContext {
  const { auditor, httpAuth } = options;
  const writes = new IdempotentWrites(options.idempotency, options.auth);
  return {
    ...options,
    deployments: new IdempotentDeploymentService(options.deployments, writes),
    manifests: new IdempotentManifestPublishService(options.manifests, writes),
    credentialsOf: req =>
      httpAuth.credentials(req, { allow: ['user', 'service'] }),
    /**
     * Runs a request inside an audit event: `work` says what to record and
     * how to answer; a throw (a refusal too) is recorded as the failure and
     * rethrown for the error handler.
     */
    audited: async (event, work) => {
      const auditorEvent = await auditor.createEvent(event);
      let result;
      try {
        result = await work();
        await auditorEvent.success(
          result.meta ? { meta: result.meta } : undefined,
        );
      } catch (error) {
        await auditorEvent.fail({ error: toError(error) });
        throw error;
      }
      result.respond();
    },
  };
}
