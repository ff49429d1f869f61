import {
  coreServices,
  createBackendModule,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { EventsService, RequestValidator } from '@backstage/plugin-events-node';
import { eventsExtensionPoint } from '@backstage/plugin-events-node/alpha';
import { SHIPDECK_ANNOTATIONS } from '@shipdeck/plugin-gitops-common';
import { knownRepositories } from './GitHubWebhooks';
import {
  mergeRequestsOfGitLabEvent,
  repositoryOfGitLabEvent,
  validGitLabToken,
} from './gitLabWebhookEvents';
import { PullRequestStore } from '../database/PullRequestStore';
import { PullRequestTracker } from './PullRequestTracker';
import { subscribeToPullRequestEvents } from './subscribeToPullRequestEvents';

/** The events topic GitLab's webhooks arrive on unless configured. */
export const DEFAULT_GITLAB_WEBHOOK_TOPIC = 'gitlab';

export function gitLabWebhookTopic(config: Config): string {
  return (
    config.getOptionalString('gitops.gitlab.webhookTopic') ??
    DEFAULT_GITLAB_WEBHOOK_TOPIC
  );
}

const rejection = (name: string, message: string) => ({
  error: { name, message },
});

/**
 * Accepts a delivery only when its `X-Gitlab-Token` is the secret token
 * (401 otherwise) and it is about a manifest repository Shipdeck knows (404
 * otherwise). A rejected delivery is never published, so nothing changes.
 */
export function createGitLabWebhookValidator(options: {
  secret: string;
  isKnownRepository: (repository: string) => Promise<boolean>;
}): RequestValidator {
  return async (request, context) => {
    if (!validGitLabToken(options.secret, request.headers['x-gitlab-token'])) {
      context.reject({
        status: 401,
        payload: rejection(
          'AuthenticationError',
          'X-Gitlab-Token is missing or is not gitops.gitlab.webhookSecret',
        ),
      });
      return;
    }
    const repository = repositoryOfGitLabEvent(request.body);
    if (!repository) {
      context.reject({
        status: 400,
        payload: rejection('InputError', 'The event names no project'),
      });
      return;
    }
    if (!(await options.isKnownRepository(repository))) {
      context.reject({
        status: 404,
        payload: rejection(
          'NotFoundError',
          `${repository} is not a manifest repository of Shipdeck: neither gitops.manifests.repo nor the ${SHIPDECK_ANNOTATIONS.manifestRepo} annotation of an entity names it`,
        ),
      });
    }
  };
}

/**
 * The events backend's HTTP ingress for GitLab's webhooks
 * (`POST /api/events/http/<gitops.gitlab.webhookTopic>`), with the token
 * and repository checks of {@link createGitLabWebhookValidator}. Without
 * `gitops.gitlab.webhookSecret` it adds nothing.
 *
 * @public
 */
export const gitopsGitLabWebhooksModule = createBackendModule({
  pluginId: 'events',
  moduleId: 'gitops-gitlab-webhooks',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        events: eventsExtensionPoint,
      },
      async init({ config, logger, auth, catalog, events }) {
        const secret = config.getOptionalString('gitops.gitlab.webhookSecret');
        if (!secret) {
          logger.info(
            'gitops.gitlab.webhookSecret is not set: Shipdeck receives no GitLab webhooks and relies on its scheduled look at merge requests',
          );
          return;
        }
        events.addHttpPostIngress({
          topic: gitLabWebhookTopic(config),
          validator: createGitLabWebhookValidator({
            secret,
            isKnownRepository: knownRepositories({ config, catalog, auth }),
          }),
        });
      },
    });
  },
});

/**
 * Has the tracker look at once at the merge requests a GitLab webhook
 * event may have changed; it reads their state from GitLab itself, so an
 * event only says where to look.
 */
export function subscribeToGitLabWebhooks(options: {
  events: EventsService;
  topic: string;
  tracker: PullRequestTracker;
  pullRequests: PullRequestStore;
  logger: LoggerService;
}) {
  return subscribeToPullRequestEvents({
    ...options,
    id: 'gitops-merge-requests',
    source: 'GitLab webhook',
    repositoryOf: repositoryOfGitLabEvent,
    numbersOf: mergeRequestsOfGitLabEvent,
  });
}
