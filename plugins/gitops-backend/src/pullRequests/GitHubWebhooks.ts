import {
  AuthService,
  coreServices,
  createBackendModule,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  CatalogService,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { EventsService, RequestValidator } from '@backstage/plugin-events-node';
import { eventsExtensionPoint } from '@backstage/plugin-events-node/alpha';
import { SHIPDECK_ANNOTATIONS } from '@shipdeck/plugin-gitops-common';
import {
  pullRequestsOfEvent,
  repositoryOfEvent,
  validSignature,
} from './gitHubWebhookEvents';
import { PullRequestStore } from '../database/PullRequestStore';
import { PullRequestTracker } from './PullRequestTracker';
import { subscribeToPullRequestEvents } from './subscribeToPullRequestEvents';

/** The events topic GitHub's webhooks arrive on unless configured. */
export const DEFAULT_WEBHOOK_TOPIC = 'github';

export function webhookTopic(config: Config): string {
  return (
    config.getOptionalString('gitops.github.webhookTopic') ??
    DEFAULT_WEBHOOK_TOPIC
  );
}

const rejection = (name: string, message: string) => ({
  error: { name, message },
});

/**
 * Accepts a delivery only when its `X-Hub-Signature-256` matches the secret
 * (401 otherwise) and it is about a manifest repository Shipdeck knows: the
 * configured default or one an entity names in its annotation (404
 * otherwise). GitHub's `ping`, sent when a webhook is set up, needs only the
 * signature. A rejected delivery is never published, so nothing changes.
 */
export function createGitHubWebhookValidator(options: {
  secret: string;
  isKnownRepository: (repository: string) => Promise<boolean>;
}): RequestValidator {
  return async (request, context) => {
    if (
      !validSignature(
        options.secret,
        request.raw.body,
        request.headers['x-hub-signature-256'],
      )
    ) {
      context.reject({
        status: 401,
        payload: rejection(
          'AuthenticationError',
          'X-Hub-Signature-256 is missing or does not match gitops.github.webhookSecret',
        ),
      });
      return;
    }
    if (request.headers['x-github-event'] === 'ping') {
      return;
    }
    const repository = repositoryOfEvent(request.body);
    if (!repository) {
      context.reject({
        status: 400,
        payload: rejection('InputError', 'The event names no repository'),
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

/** The default repository of the config, or one an entity's annotation names. */
export function knownRepositories(options: {
  config: Config;
  catalog: CatalogService;
  auth: AuthService;
}) {
  const configured = options.config
    .getOptionalString('gitops.manifests.repo')
    ?.toLowerCase();
  return async (repository: string) => {
    // GitHub names are case-insensitive.
    if (repository.toLowerCase() === configured) return true;
    const { items } = await options.catalog.getEntities(
      {
        filter: {
          [`metadata.annotations.${SHIPDECK_ANNOTATIONS.manifestRepo}`]:
            repository,
        },
        fields: ['metadata.name'],
        limit: 1,
      },
      { credentials: await options.auth.getOwnServiceCredentials() },
    );
    return items.length > 0;
  };
}

/**
 * The events backend's HTTP ingress for GitHub's webhooks
 * (`POST /api/events/http/<gitops.github.webhookTopic>`), with the
 * signature and repository checks of {@link createGitHubWebhookValidator}.
 * Without `gitops.github.webhookSecret` it adds nothing: an unsigned
 * ingress would let anyone trigger looks.
 *
 * @public
 */
export const gitopsGitHubWebhooksModule = createBackendModule({
  pluginId: 'events',
  moduleId: 'gitops-github-webhooks',
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
        const secret = config.getOptionalString('gitops.github.webhookSecret');
        if (!secret) {
          logger.info(
            'gitops.github.webhookSecret is not set: Shipdeck receives no GitHub webhooks and relies on its scheduled look at pull requests',
          );
          return;
        }
        events.addHttpPostIngress({
          topic: webhookTopic(config),
          validator: createGitHubWebhookValidator({
            secret,
            isKnownRepository: knownRepositories({ config, catalog, auth }),
          }),
        });
      },
    });
  },
});

/**
 * Has the tracker look at once at the pull requests a GitHub webhook event
 * may have changed. The tracker reads their state from GitHub itself, so an
 * event only says where to look; events about other pull requests, or of
 * other kinds, change nothing.
 */
export function subscribeToGitHubWebhooks(options: {
  events: EventsService;
  topic: string;
  tracker: PullRequestTracker;
  pullRequests: PullRequestStore;
  logger: LoggerService;
}) {
  return subscribeToPullRequestEvents({
    ...options,
    id: 'gitops-pull-requests',
    source: 'GitHub webhook',
    repositoryOf: repositoryOfEvent,
    numbersOf: pullRequestsOfEvent,
  });
}
