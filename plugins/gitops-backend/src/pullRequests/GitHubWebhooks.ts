import {
  pullRequestsOfEvent,
  repositoryOfEvent,
  validSignature,
} from './gitHubWebhookEvents';
import { createWebhooksModule, WebhookHost } from './webhooks';

/** GitHub's webhooks: signed with `X-Hub-Signature-256`; `ping` on setup. */
export const gitHubWebhooks: WebhookHost = {
  key: 'github',
  name: 'GitHub',
  requests: 'pull requests',
  repositoryNoun: 'repository',
  subscriberId: 'gitops-pull-requests',
  unauthenticated: (secret, request) =>
    validSignature(
      secret,
      request.raw.body,
      request.headers['x-hub-signature-256'],
    )
      ? undefined
      : 'X-Hub-Signature-256 is missing or does not match gitops.github.webhookSecret',
  needsNoRepository: request => request.headers['x-github-event'] === 'ping',
  repositoryOf: repositoryOfEvent,
  numbersOf: pullRequestsOfEvent,
};

/**
 * The events backend's HTTP ingress for GitHub's webhooks
 * (`POST /api/events/http/<gitops.github.webhookTopic>`, `github` by
 * default). A delivery is accepted only when its `X-Hub-Signature-256`
 * matches `gitops.github.webhookSecret` (401 otherwise) and it is about a
 * manifest repository Shipdeck knows (404 otherwise). Without the secret it
 * adds nothing.
 *
 * @public
 */
export const gitopsGitHubWebhooksModule = createWebhooksModule(gitHubWebhooks);
