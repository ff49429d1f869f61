import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createGitopsEnvironmentsListAction } from './actions/gitopsEnvironmentsList';
import { createGitopsManifestsPublishAction } from './actions/gitopsManifestsPublish';
import { createGitopsDeployAction } from './actions/gitopsDeploy';
import { createGitopsPromoteAction } from './actions/gitopsPromote';
import { createArgocdSyncAction } from './actions/argocdSync';
import { createGitopsManifestsCreateAction } from './actions/gitopsManifestsCreate';
import { createArgocdApplicationCreateAction } from './actions/argocdApplicationCreate';

/**
 * Shipdeck's scaffolder actions. They call the gitops backend's REST API on
 * behalf of the template's initiator; none reaches into its internals.
 *
 * @public
 */
export const scaffolderModuleGitops = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'gitops',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolderActions: scaffolderActionsExtensionPoint,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
      },
      async init({ scaffolderActions, auth, discovery }) {
        scaffolderActions.addActions(
          createGitopsEnvironmentsListAction({ auth, discovery }),
          createGitopsManifestsPublishAction({ auth, discovery }),
          createGitopsDeployAction({ auth, discovery }),
          createGitopsPromoteAction({ auth, discovery }),
          createArgocdSyncAction({ auth, discovery }),
          createGitopsManifestsCreateAction({ auth, discovery }),
          createArgocdApplicationCreateAction({ auth, discovery }),
        );
      },
    });
  },
});
