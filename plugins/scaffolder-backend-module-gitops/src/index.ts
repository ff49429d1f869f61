/**
 * Shipdeck's scaffolder actions.
 *
 * @packageDocumentation
 */
export { scaffolderModuleGitops as default } from './module';
export { createGitopsEnvironmentsListAction } from './actions/gitopsEnvironmentsList';
export { createGitopsManifestsPublishAction } from './actions/gitopsManifestsPublish';
export { createGitopsDeployAction } from './actions/gitopsDeploy';
export { createGitopsPromoteAction } from './actions/gitopsPromote';
export { createArgocdSyncAction } from './actions/argocdSync';
export { createGitopsManifestsCreateAction } from './actions/gitopsManifestsCreate';
export { createArgocdApplicationCreateAction } from './actions/argocdApplicationCreate';
