/**
 * Shipdeck's frontend: deployments per environment on the entity page, and
 * the on-call page (`GitopsPage`) of every service × environment.
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
} from './plugin';
export { gitopsApiRef } from './api';
