import { ResponseError } from '@backstage/errors';
import {
  CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { entityPath } from './entityRefs';
import { SourceChangesResponse } from './sourceChanges';
import {
  ArgoActionOutcome,
  DeploymentOutcome,
  DeploymentPreview,
  DeploymentRecord,
  DeploymentRequest,
  Environment,
  EntityEnvironmentsResponse,
  ManifestPublishOutcome,
  ManifestRepositoryInfo,
  ManifestPublishPreview,
  ManifestPublishRequest,
  MergeOutcome,
  MetricsResponse,
  OverviewFilter,
  OverviewPage,
  OverviewResponse,
  RolloutAction,
  TimelineChangesQuery,
  TimelineChangesResponse,
  TimelineQuery,
  TimelineResponse,
} from './types';

/**
 * What the client needs to find and call the gitops backend. Structurally
 * the same as Backstage's `DiscoveryApi`/`FetchApi` (frontend) and
 * `DiscoveryService` plus a token-carrying fetch (backend), so one client
 * serves the browser, the scaffolder module and CI scripts.
 *
 * @public
 */
export interface GitopsClientOptions {
  discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
  fetchApi?: { fetch: typeof fetch };
}

/**
 * An entity, by string ref (`component:default/cart`) or compound ref.
 *
 * @public
 */
export type EntityRefLike = string | CompoundEntityRef;

/**
 * Per-call options of the mutating methods.
 *
 * @public
 */
export interface MutationOptions {
  /** Sent as `Idempotency-Key`: a retried call with the same key is answered once. */
  idempotencyKey?: string;
}

/**
 * Typed client of the gitops backend's REST API.
 *
 * @public
 */
export interface GitopsApi {
  getConfiguredEnvironments(): Promise<Environment[]>;
  /** The default manifest repository, when one is configured. */
  getManifestRepository(): Promise<ManifestRepositoryInfo | undefined>;
  getEntityEnvironments(
    entity: EntityRefLike,
  ): Promise<EntityEnvironmentsResponse>;
  /** The source commits between two versions of the entity (its `shipdeck.io/source-repo`). */
  getSourceChanges(
    entity: EntityRefLike,
    versions: { from: string; to: string },
  ): Promise<SourceChangesResponse>;
  /** Deploy, promote or roll back: a commit or a pull request. */
  requestDeployment(
    entity: EntityRefLike,
    request: DeploymentRequest,
    options?: MutationOptions,
  ): Promise<DeploymentOutcome>;
  /** The same request as a dry run: what would change, nothing written. */
  previewDeployment(
    entity: EntityRefLike,
    request: DeploymentRequest,
  ): Promise<DeploymentPreview>;
  sync(
    entity: EntityRefLike,
    request: SyncRequest,
    options?: MutationOptions,
  ): Promise<ArgoActionOutcome>;
  /**
   * Lands a service's manifests in its manifest repository: one commit, and
   * one pull request for environments that take changes by pull request.
   */
  publishManifests(
    entity: EntityRefLike,
    request: ManifestPublishRequest,
    options?: MutationOptions,
  ): Promise<ManifestPublishOutcome>;
  /** The same publish as a dry run: each file's diff, nothing written. */
  previewManifests(
    entity: EntityRefLike,
    request: ManifestPublishRequest,
  ): Promise<ManifestPublishPreview>;
  refresh(
    entity: EntityRefLike,
    request: { environment: string; hard?: boolean },
  ): Promise<ArgoActionOutcome>;
  rolloutAction(
    entity: EntityRefLike,
    request: { environment: string; action: RolloutAction },
  ): Promise<ArgoActionOutcome>;
  /** Merge a pull request Shipdeck opened in a local manifest repository. */
  mergePullRequest(repository: string, number: number): Promise<MergeOutcome>;
  getDeployment(id: string): Promise<DeploymentRecord>;
  getTimeline(
    entity: EntityRefLike,
    query?: TimelineQuery,
  ): Promise<TimelineResponse>;
  /** The entity's timeline of changes, each with its Argo CD events. */
  getTimelineChanges(
    entity: EntityRefLike,
    query?: TimelineChangesQuery,
  ): Promise<TimelineChangesResponse>;
  /** One page of services (the backend's default size without `page`). */
  getOverview(
    filter?: OverviewFilter,
    page?: OverviewPage,
  ): Promise<OverviewResponse>;
  getMetrics(query?: MetricsQuery): Promise<MetricsResponse>;
}

/**
 * What `GET /metrics` covers: one entity, or every entity the caller may see
 * narrowed like the overview (owner, system, environment).
 *
 * @public
 */
export interface MetricsQuery {
  entity?: EntityRefLike;
  days?: number;
  owner?: string;
  system?: string;
  environment?: string;
}

/**
 * Body of a sync: `wait` blocks until Argo CD reports the sync finished and
 * the application healthy (or failed), up to `timeoutSeconds`.
 *
 * @public
 */
export interface SyncRequest {
  environment: string;
  prune?: boolean;
  dryRun?: boolean;
  wait?: boolean;
  timeoutSeconds?: number;
}

const DEPLOYMENT_PATHS: Record<DeploymentRequest['type'], string> = {
  deploy: 'deployments',
  promote: 'promotions',
  rollback: 'rollbacks',
};

/**
 * The default {@link GitopsApi} implementation, over HTTP.
 *
 * @public
 */
export class GitopsClient implements GitopsApi {
  readonly #discoveryApi: GitopsClientOptions['discoveryApi'];
  readonly #fetch: typeof fetch;

  constructor(options: GitopsClientOptions) {
    this.#discoveryApi = options.discoveryApi;
    this.#fetch = options.fetchApi?.fetch ?? fetch;
  }

  async getConfiguredEnvironments(): Promise<Environment[]> {
    const body = await this.#call<{ environments: Environment[] }>(
      'GET',
      '/environments',
    );
    return body.environments;
  }

  async getManifestRepository(): Promise<ManifestRepositoryInfo | undefined> {
    const body = await this.#call<{ manifests?: ManifestRepositoryInfo }>(
      'GET',
      '/environments',
    );
    return body.manifests;
  }

  async getEntityEnvironments(
    entity: EntityRefLike,
  ): Promise<EntityEnvironmentsResponse> {
    return this.#call('GET', `${entityPath(entity)}/environments`);
  }

  async getSourceChanges(
    entity: EntityRefLike,
    versions: { from: string; to: string },
  ): Promise<SourceChangesResponse> {
    return this.#call(
      'GET',
      `${entityPath(entity)}/source-changes${queryString(versions)}`,
    );
  }

  async requestDeployment(
    entity: EntityRefLike,
    request: DeploymentRequest,
    options?: MutationOptions,
  ): Promise<DeploymentOutcome> {
    const { type, ...body } = request;
    return this.#call(
      'POST',
      `${entityPath(entity)}/${DEPLOYMENT_PATHS[type]}`,
      body,
      idempotencyHeader(options),
    );
  }

  async previewDeployment(
    entity: EntityRefLike,
    request: DeploymentRequest,
  ): Promise<DeploymentPreview> {
    const { type, ...body } = request;
    return this.#call(
      'POST',
      `${entityPath(entity)}/${DEPLOYMENT_PATHS[type]}`,
      { ...body, dryRun: true },
    );
  }

  async sync(
    entity: EntityRefLike,
    request: SyncRequest,
    options?: MutationOptions,
  ): Promise<ArgoActionOutcome> {
    return this.#call(
      'POST',
      `${entityPath(entity)}/sync`,
      request,
      idempotencyHeader(options),
    );
  }

  async publishManifests(
    entity: EntityRefLike,
    request: ManifestPublishRequest,
    options?: MutationOptions,
  ): Promise<ManifestPublishOutcome> {
    return this.#call(
      'POST',
      `${entityPath(entity)}/manifests`,
      request,
      idempotencyHeader(options),
    );
  }

  async previewManifests(
    entity: EntityRefLike,
    request: ManifestPublishRequest,
  ): Promise<ManifestPublishPreview> {
    return this.#call('POST', `${entityPath(entity)}/manifests`, {
      ...request,
      dryRun: true,
    });
  }

  async refresh(
    entity: EntityRefLike,
    request: { environment: string; hard?: boolean },
  ): Promise<ArgoActionOutcome> {
    return this.#call('POST', `${entityPath(entity)}/refresh`, request);
  }

  async rolloutAction(
    entity: EntityRefLike,
    request: { environment: string; action: RolloutAction },
  ): Promise<ArgoActionOutcome> {
    return this.#call('POST', `${entityPath(entity)}/rollout-actions`, request);
  }

  async mergePullRequest(
    repository: string,
    number: number,
  ): Promise<MergeOutcome> {
    return this.#call(
      'POST',
      `/repositories/${encodeURIComponent(repository)}/pulls/${number}/merge`,
      {},
    );
  }

  async getDeployment(id: string): Promise<DeploymentRecord> {
    return this.#call('GET', `/deployments/${encodeURIComponent(id)}`);
  }

  async getTimeline(
    entity: EntityRefLike,
    query: TimelineQuery = {},
  ): Promise<TimelineResponse> {
    return this.#call(
      'GET',
      `${entityPath(entity)}/timeline${queryString({
        environment: query.environment,
        types: query.types?.length ? query.types.join(',') : undefined,
        before: query.before,
        limit: query.limit,
      })}`,
    );
  }

  async getTimelineChanges(
    entity: EntityRefLike,
    query: TimelineChangesQuery = {},
  ): Promise<TimelineChangesResponse> {
    return this.#call(
      'GET',
      `${entityPath(entity)}/changes${queryString({
        environment: query.environment,
        kinds: query.kinds?.length ? query.kinds.join(',') : undefined,
        before: query.before,
        limit: query.limit,
      })}`,
    );
  }

  async getOverview(
    filter: OverviewFilter = {},
    page: OverviewPage = {},
  ): Promise<OverviewResponse> {
    return this.#call('GET', `/overview${queryString({ ...filter, ...page })}`);
  }

  async getMetrics(query: MetricsQuery = {}): Promise<MetricsResponse> {
    const entity =
      typeof query.entity === 'object'
        ? stringifyEntityRef(query.entity)
        : query.entity;
    return this.#call(
      'GET',
      `/metrics${queryString({
        entity,
        days: query.days,
        owner: query.owner,
        system: query.system,
        environment: query.environment,
      })}`,
    );
  }

  async #call<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<T> {
    const baseUrl = await this.#discoveryApi.getBaseUrl('gitops');
    const response = await this.#fetch(`${baseUrl}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : {
            body: JSON.stringify(body),
            headers: { 'Content-Type': 'application/json', ...headers },
          }),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}

function idempotencyHeader(
  options: MutationOptions | undefined,
): Record<string, string> | undefined {
  return options?.idempotencyKey
    ? { 'Idempotency-Key': options.idempotencyKey }
    : undefined;
}

function queryString(
  params: Record<string, string | number | undefined>,
): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
