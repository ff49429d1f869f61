/**
 * Shipdeck's scaffolder actions.
 *
 * @packageDocumentation
 */
export { scaffolderModuleGitops as default } from './module';
export { createGitopsEnvironmentsListAction } from './actions/gitopsEnvironmentsList';
