/**
 * Shipdeck's frontend: deployments per environment on the entity page,
 * the on-call page (`GitopsPage`) of every service × environment, and the
 * `GitopsEnvironmentPicker` scaffolder field.
 * The new frontend system lives in `./alpha`.
 *
 * @packageDocumentation
 */
export {
  gitopsPlugin,
  GitopsPage,
  EntityGitopsContent,
  EntityGitopsCard,
  isGitopsAvailable,
  GitopsEnvironmentPickerFieldExtension,
} from './plugin';
export { gitopsApiRef } from './api';
