/**
 * Shipdeck's frontend: deployments per environment on the entity page.
 * The new frontend system lives in `./alpha`.
 *
 * @packageDocumentation
 */
export {
  gitopsPlugin,
  EntityGitopsContent,
  EntityGitopsCard,
  isGitopsAvailable,
} from './plugin';
export { gitopsApiRef } from './api';
