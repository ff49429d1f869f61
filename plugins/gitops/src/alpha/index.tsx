import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import {
  GitopsClient,
  hasGitopsAnnotations,
} from '@shipdeck/plugin-gitops-common';
import { gitopsApiRef } from '../api';

/** @alpha */
export const gitopsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: gitopsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new GitopsClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * The "Deployments" tab on every Component; entities without annotations
 * get an explanation of what to add rather than no tab at all.
 *
 * @alpha
 */
export const deploymentsEntityContent = EntityContentBlueprint.make({
  name: 'deployments',
  params: {
    path: '/deployments',
    title: 'Deployments',
    filter: { kind: 'component' },
    loader: () => import('../components').then(m => <m.DeploymentsContent />),
  },
});

/** @alpha */
export const deploymentsEntityCard = EntityCardBlueprint.make({
  name: 'deployments',
  params: {
    filter: entity => hasGitopsAnnotations(entity),
    loader: () => import('../components').then(m => <m.DeploymentsCard />),
  },
});

/**
 * Shipdeck's frontend plugin for the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'gitops',
  info: { packageJson: () => import('../../package.json') },
  extensions: [gitopsApi, deploymentsEntityContent, deploymentsEntityCard],
});
