/**
 * Shipdeck's backend plugin: GitOps deployments through Git and Argo CD.
 *
 * @packageDocumentation
 */
export { gitopsPlugin as default } from './plugin';
export { localRepositoryUrlReaders } from './scm/local/localRepositoryUrlReaders';
export { gitopsGitHubWebhooksModule } from './pullRequests/GitHubWebhooks';
export { gitopsGitLabWebhooksModule } from './pullRequests/GitLabWebhooks';
