import {
  mergeRequestsOfGitLabEvent,
  repositoryOfGitLabEvent,
  validGitLabToken,
} from './gitLabWebhookEvents';
import { createWebhooksModule, WebhookHost } from './webhooks';

/** GitLab's webhooks: the secret token in `X-Gitlab-Token`. */
export const gitLabWebhooks: WebhookHost = {
  key: 'gitlab',
  name: 'GitLab',
  requests: 'merge requests',
  repositoryNoun: 'project',
  subscriberId: 'gitops-merge-requests',
  unauthenticated: (secret, request) =>
    validGitLabToken(secret, request.headers['x-gitlab-token'])
      ? undefined
      : 'X-Gitlab-Token is missing or is not gitops.gitlab.webhookSecret',
  repositoryOf: repositoryOfGitLabEvent,
  numbersOf: mergeRequestsOfGitLabEvent,
};

/**
 * The events backend's HTTP ingress for GitLab's webhooks
 * (`POST /api/events/http/<gitops.gitlab.webhookTopic>`, `gitlab` by
 * default). A delivery is accepted only when its `X-Gitlab-Token` is
 * `gitops.gitlab.webhookSecret` (401 otherwise) and it is about a manifest
 * repository Shipdeck knows (404 otherwise). Without the secret it adds
 * nothing.
 *
 * @public
 */
export const gitopsGitLabWebhooksModule = createWebhooksModule(gitLabWebhooks);
