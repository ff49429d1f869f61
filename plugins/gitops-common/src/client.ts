import { ResponseError } from '@backstage/errors';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { entityPath } from './entityRefs';
import { Environment, EntityEnvironmentsResponse } from './types';

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
 * Typed client of the gitops backend's REST API.
 *
 * @public
 */
export interface GitopsApi {
  getConfiguredEnvironments(): Promise<Environment[]>;
  getEntityEnvironments(
    entity: string | CompoundEntityRef,
  ): Promise<EntityEnvironmentsResponse>;
}

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
    const body = await this.#get<{ environments: Environment[] }>(
      '/environments',
    );
    return body.environments;
  }

  async getEntityEnvironments(
    entity: string | CompoundEntityRef,
  ): Promise<EntityEnvironmentsResponse> {
    return this.#get(`${entityPath(entity)}/environments`);
  }

  async #get<T>(path: string): Promise<T> {
    const baseUrl = await this.#discoveryApi.getBaseUrl('gitops');
    const response = await this.#fetch(`${baseUrl}${path}`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
