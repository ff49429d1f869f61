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
import {
  EventsService,
  RequestDetails,
  RequestValidator,
} from '@backstage/plugin-events-node';
import { eventsExtensionPoint } from '@backstage/plugin-events-node/alpha';
import { SHIPDECK_ANNOTATIONS } from '@shipdeck/plugin-gitops-common';
import { PullRequestStore } from '../database/PullRequestStore';
import { PullRequestTracker } from './PullRequestTracker';
import { subscribeToPullRequestEvents } from './subscribeToPullRequestEvents';

/** What differs between the Git hosts whose webhooks Shipdeck receives. */
export interface WebhookHost {
  /** Its section of the config: `gitops.<key>.webhookSecret`, `.webhookTopic`. */
  key: 'github' | 'gitlab';
  /** For messages, e.g. `GitHub`. */
  name: string;
  /** What the host calls a change request, plural, for messages. */
  requests: string;
  /** What the host calls a repository, for messages. */
  repositoryNoun: string;
  /** The events subscriber's id, kept stable across releases. */
  subscriberId: string;
  /** A rejection message when the delivery does not prove the secret. */
  unauthenticated: (
    secret: string,
    request: RequestDetails,
  ) => string | undefined;
  /** Deliveries accepted on the secret alone (GitHub's `ping`). */
  needsNoRepository?: (request: RequestDetails) => boolean;
  repositoryOf: (payload: unknown) => string | undefined;
  numbersOf: (payload: unknown) => { numbers: number[]; headSha?: string };
}

const rejection = (name: string, message: string) => ({
  error: { name, message },
});

/** The events topic a host's webhooks arrive on: configured, or its key. */
export function webhookTopic(config: Config, host: WebhookHost): string {
  return (
    config.getOptionalString(`gitops.${host.key}.webhookTopic`) ?? host.key
  );
}

/**
 * Accepts a delivery only when it proves the webhook secret (401
 * otherwise) and is about a manifest repository Shipdeck knows: the
 * configured default or one an entity names in its annotation (404
 * otherwise). A rejected delivery is never published, so nothing changes.
 */
export function createWebhookValidator(
  host: WebhookHost,
  options: {
    secret: string;
    isKnownRepository: (repository: string) => Promise<boolean>;
  },
): RequestValidator {
  return async (request, context) => {
    const unauthenticated = host.unauthenticated(options.secret, request);
    if (unauthenticated) {
      context.reject({
        status: 401,
        payload: rejection('AuthenticationError', unauthenticated),
      });
      return;
    }
    if (host.needsNoRepository?.(request)) return;
    const repository = host.repositoryOf(request.body);
    if (!repository) {
      context.reject({
        status: 400,
        payload: rejection(
          'InputError',
          `The event names no ${host.repositoryNoun}`,
        ),
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
    // GitHub and GitLab names are case-insensitive.
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
 * The events backend's HTTP ingress for a host's webhooks
 * (`POST /api/events/http/<topic>`), with the checks of
 * {@link createWebhookValidator}. Without `gitops.<host>.webhookSecret` it
 * adds nothing: an unsigned ingress would let anyone trigger looks.
 */
export function createWebhooksModule(host: WebhookHost) {
  return createBackendModule({
    pluginId: 'events',
    moduleId: `gitops-${host.key}-webhooks`,
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
          const secret = config.getOptionalString(
            `gitops.${host.key}.webhookSecret`,
          );
          if (!secret) {
            logger.info(
              `gitops.${host.key}.webhookSecret is not set: Shipdeck receives no ${host.name} webhooks and relies on its scheduled look at ${host.requests}`,
            );
            return;
          }
          events.addHttpPostIngress({
            topic: webhookTopic(config, host),
            validator: createWebhookValidator(host, {
              secret,
              isKnownRepository: knownRepositories({ config, catalog, auth }),
            }),
          });
        },
      });
    },
  });
}

/**
 * With the host's webhook secret set, has the tracker look at once at the
 * change requests a webhook event may have changed. The tracker reads their
 * state from the host itself, so an event only says where to look.
 */
export async function subscribeToWebhooks(
  host: WebhookHost,
  options: {
    config: Config;
    events: EventsService;
    tracker: PullRequestTracker;
    pullRequests: PullRequestStore;
    logger: LoggerService;
  },
) {
  if (!options.config.has(`gitops.${host.key}.webhookSecret`)) return;
  await subscribeToPullRequestEvents({
    ...options,
    id: host.subscriberId,
    topic: webhookTopic(options.config, host),
    source: `${host.name} webhook`,
    repositoryOf: host.repositoryOf,
    numbersOf: host.numbersOf,
  });
}
