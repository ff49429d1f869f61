import { createApiRef } from '@backstage/core-plugin-api';
import { GitopsApi } from '@shipdeck/plugin-gitops-common';

/**
 * The gitops backend client; the default implementation is `GitopsClient`
 * from `@shipdeck/plugin-gitops-common`.
 *
 * @public
 */
export const gitopsApiRef = createApiRef<GitopsApi>({
  id: 'plugin.gitops.service',
});
