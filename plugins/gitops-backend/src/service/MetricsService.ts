import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { MetricsResponse } from '@shipdeck/plugin-gitops-common';

export interface MetricsQuery {
  /** One entity; without it, every managed entity the caller may read. */
  entityRef?: CompoundEntityRef;
  /** The window: this many UTC days, today included. */
  days: number;
  /** Without an entity: only those this group (or user) owns, like the overview. */
  owner?: string;
  /** Without an entity: only those of this system. */
  system?: string;
  /** Only this environment's figures. */
  environment?: string;
}

/** Delivery metrics (DORA) per environment, from Shipdeck's own records. */
export interface MetricsService {
  getMetrics(
    query: MetricsQuery,
    options: { credentials: BackstageCredentials },
  ): Promise<MetricsResponse>;
}
