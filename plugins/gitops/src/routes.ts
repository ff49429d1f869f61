import { createRouteRef } from '@backstage/core-plugin-api';

/**
 * The Shipdeck on-call page (`/gitops`); the new frontend system converts it
 * with `convertLegacyRouteRef`.
 *
 * @public
 */
export const rootRouteRef = createRouteRef({ id: 'gitops' });
