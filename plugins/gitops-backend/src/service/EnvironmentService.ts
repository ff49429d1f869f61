import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  Environment,
  EntityEnvironmentsResponse,
} from '@shipdeck/plugin-gitops-common';

/** Read side of environments: what is configured, and where an entity runs. */
export interface EnvironmentService {
  listConfigured(): Environment[];
  getEntityEnvironments(
    entityRef: CompoundEntityRef,
    options: { credentials: BackstageCredentials },
  ): Promise<EntityEnvironmentsResponse>;
}
