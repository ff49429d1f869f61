import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  Environment,
  EntityEnvironmentsResponse,
} from '@shipdeck/plugin-gitops-common';
import { DeploymentStore } from '../database/DeploymentStore';
import { TargetResolver } from '../targets/TargetResolver';
import { EnvironmentService } from './EnvironmentService';

/**
 * Assembles an entity's environments from configuration, annotations and
 * the deployment records. Reads the entity with the caller's credentials, so
 * the catalog's own read permission decides who may see it.
 */
export class DefaultEnvironmentService implements EnvironmentService {
  static create(options: {
    catalog: CatalogService;
    targets: TargetResolver;
    store: DeploymentStore;
  }) {
    return new DefaultEnvironmentService(
      options.catalog,
      options.targets,
      options.store,
    );
  }

  private constructor(
    private readonly catalog: CatalogService,
    private readonly targets: TargetResolver,
    private readonly store: DeploymentStore,
  ) {}

  listConfigured(): Environment[] {
    return this.targets.listEnvironments();
  }

  async getEntityEnvironments(
    ref: CompoundEntityRef,
    options: { credentials: BackstageCredentials },
  ): Promise<EntityEnvironmentsResponse> {
    const entityRef = stringifyEntityRef(ref);
    const entity = await this.catalog.getEntityByRef(ref, options);
    if (!entity) {
      throw new NotFoundError(`No entity ${entityRef} in the catalog`);
    }
    const observedAt = new Date().toISOString();
    if (!this.targets.isManaged(entity)) {
      return { entityRef, managed: false, environments: [], observedAt };
    }
    const targets = this.targets.resolve(entity);
    const latest = await this.store.latestPerEnvironment(entityRef);
    return {
      entityRef,
      managed: true,
      observedAt,
      environments: targets.map(target => ({
        environment: target.environment,
        manifest: target.manifest,
        argocd: target.argocd,
        ...(latest.has(target.environment.name)
          ? { lastDeployment: latest.get(target.environment.name) }
          : {}),
      })),
    };
  }
}
