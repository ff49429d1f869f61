import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { MetricsResponse } from '@shipdeck/plugin-gitops-common';

export interface MetricsQuery {
  /** One entity; without it, every managed entity the caller may read. */
  entityRef?: CompoundEntityRef;
  /** The window: this many UTC days, today included. */
  days: number;
}

/** Delivery metrics (DORA) per environment, from Shipdeck's own records. */
export interface MetricsService {
  getMetrics(
    query: MetricsQuery,
    options: { credentials: BackstageCredentials },
  ): Promise<MetricsResponse>;
}
