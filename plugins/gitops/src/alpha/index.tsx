import { Content } from '@backstage/core-components';
import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  compatWrapper,
  convertLegacyRouteRef,
} from '@backstage/core-compat-api';
import ShipdeckIcon from '@material-ui/icons/DirectionsBoat';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import {
  GitopsClient,
  hasGitopsAnnotations,
} from '@shipdeck/plugin-gitops-common';
import { gitopsApiRef } from '../api';
import { rootRouteRef } from '../routes';

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

const overviewRouteRef = convertLegacyRouteRef(rootRouteRef);

/**
 * The on-call page at `/gitops` (`page:gitops`). Its title and icon also make
 * the app's navigation list it as "Shipdeck"; the page layout renders the
 * header, so the content comes without page chrome.
 *
 * @alpha
 */
export const overviewPage = PageBlueprint.make({
  params: {
    path: '/gitops',
    routeRef: overviewRouteRef,
    title: 'Shipdeck',
    icon: <ShipdeckIcon />,
    loader: () =>
      import('../components/overview').then(m =>
        compatWrapper(
          <Content>
            <m.OverviewContent />
          </Content>,
        ),
      ),
  },
});

/**
 * The `GitopsEnvironmentPicker` scaffolder field
 * (`scaffolder-form-field:gitops/environment-picker`). The blueprint attaches
 * it to the `formFields` input of `api:scaffolder/form-fields`, the API from
 * which the scaffolder's Create page and template editor load their fields.
 *
 * @alpha
 */
export const environmentPickerFormField = FormFieldBlueprint.make({
  name: 'environment-picker',
  params: {
    field: () =>
      import('../scaffolder/formField').then(m => m.environmentPickerField),
  },
});

/**
 * Shipdeck's frontend plugin for the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'gitops',
  title: 'Shipdeck',
  icon: <ShipdeckIcon />,
  info: { packageJson: () => import('../../package.json') },
  extensions: [
    gitopsApi,
    overviewPage,
    deploymentsEntityContent,
    deploymentsEntityCard,
    environmentPickerFormField,
  ],
  routes: { root: overviewRouteRef },
});
