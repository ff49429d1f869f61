import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import {
  GitopsClient,
  hasGitopsAnnotations,
} from '@shipdeck/plugin-gitops-common';
import { gitopsApiRef } from './api';
import { rootRouteRef } from './routes';
import {
  ENVIRONMENT_PICKER_FIELD,
  EnvironmentPicker,
  EnvironmentPickerFieldSchema,
  validateEnvironments,
} from './scaffolder';

/**
 * Shipdeck's frontend plugin for the legacy frontend system.
 *
 * @public
 */
export const gitopsPlugin = createPlugin({
  id: 'gitops',
  apis: [
    createApiFactory({
      api: gitopsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new GitopsClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: { root: rootRouteRef },
});

/**
 * The Shipdeck on-call page: every service × environment, problems first.
 * Mount it at `/gitops`, e.g. `<Route path="/gitops" element={<GitopsPage />} />`.
 *
 * @public
 */
export const GitopsPage = gitopsPlugin.provide(
  createRoutableExtension({
    name: 'GitopsPage',
    component: () => import('./components/overview').then(m => m.GitopsPage),
    mountPoint: rootRouteRef,
  }),
);

/**
 * The entity's "Deployments" tab content.
 *
 * @public
 */
export const EntityGitopsContent = gitopsPlugin.provide(
  createComponentExtension({
    name: 'EntityGitopsContent',
    component: {
      lazy: () => import('./components').then(m => m.DeploymentsContent),
    },
  }),
);

/**
 * The entity overview card: one line per environment.
 *
 * @public
 */
export const EntityGitopsCard = gitopsPlugin.provide(
  createComponentExtension({
    name: 'EntityGitopsCard',
    component: {
      lazy: () => import('./components').then(m => m.DeploymentsCard),
    },
  }),
);

/**
 * Whether the entity carries any Shipdeck or Argo CD annotation.
 *
 * @public
 */
export const isGitopsAvailable = (entity: Entity) =>
  hasGitopsAnnotations(entity);

/**
 * The `GitopsEnvironmentPicker` scaffolder field: Shipdeck's configured
 * environments as checkboxes (`type: array`, all selected at first) or a
 * single choice (`type: string`, the first one at first), each marked with
 * how changes land there. `ui:options`: `allowedEnvironments` (names to
 * offer) and `excludeProtected`. Put it inside `<ScaffolderFieldExtensions>`
 * of the scaffolder route.
 *
 * @public
 */
export const GitopsEnvironmentPickerFieldExtension = gitopsPlugin.provide(
  createScaffolderFieldExtension({
    name: ENVIRONMENT_PICKER_FIELD,
    component: EnvironmentPicker,
    validation: validateEnvironments,
    schema: EnvironmentPickerFieldSchema.schema,
  }),
);
