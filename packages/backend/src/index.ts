/*
 * Shipdeck's Backstage backend: catalog, scaffolder, auth (guest), search,
 * permissions with an owners-may-deploy policy, and the Shipdeck plugins.
 */
import { createBackend } from '@backstage/backend-defaults';
import { urlReaderFactoriesServiceRef } from '@backstage/backend-defaults/urlReader';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  gitopsGitHubWebhooksModule,
  localRepositoryUrlReaders,
} from '@shipdeck/plugin-gitops-backend';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('./modules/permissionPolicy'));

backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@shipdeck/plugin-scaffolder-backend-module-gitops'));

backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));

backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-events-backend'));
backend.add(import('@backstage/plugin-signals-backend'));
// Shipdeck tells owners about failed deployments and Degraded Applications.
backend.add(import('@backstage/plugin-notifications-backend'));

backend.add(import('@shipdeck/plugin-gitops-backend'));
// GitHub's webhooks through the events backend, signature-checked; only
// with gitops.github.webhookSecret set.
backend.add(gitopsGitHubWebhooksModule);
// The catalog reads files of local manifest repositories (the embedded
// default) at Shipdeck's links, so a template can register a new service
// whose catalog-info.yaml it published there.
backend.add(
  createServiceFactory({
    service: urlReaderFactoriesServiceRef,
    deps: {},
    factory: () => localRepositoryUrlReaders,
  }),
);

backend.start();
