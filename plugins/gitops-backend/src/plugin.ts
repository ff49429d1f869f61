import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { gitopsPermissions } from '@shipdeck/plugin-gitops-common';
import { DatabaseDeploymentStore } from './database/DatabaseDeploymentStore';
import { createRouter } from './router';
import { OciRegistryClient } from './registry/OciRegistryClient';
import { createGitHubRepositoryFactory } from './scm/createGitHubRepositoryFactory';
import { ManifestRepositories } from './scm/ManifestRepositories';
import { seedLocalRepositories } from './scm/seedLocalRepositories';
import { AuthorizedDeploymentService } from './service/AuthorizedDeploymentService';
import { ChangeSetWriter } from './service/ChangeSetWriter';
import { DefaultDeploymentService } from './service/DefaultDeploymentService';
import { DefaultEnvironmentService } from './service/DefaultEnvironmentService';
import { TargetResolver } from './targets/TargetResolver';

/**
 * Shipdeck's backend plugin, mounted at `/api/gitops`.
 *
 * @public
 */
export const gitopsPlugin = createBackendPlugin({
  pluginId: 'gitops',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        auditor: coreServices.auditor,
        database: coreServices.database,
        discovery: coreServices.discovery,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        cache: coreServices.cache,
        catalog: catalogServiceRef,
      },
      async init(deps) {
        const { config, logger, database, catalog } = deps;
        deps.permissionsRegistry.addPermissions(gitopsPermissions);
        await seedLocalRepositories({ config, logger });

        const targets = TargetResolver.fromConfig(config);
        const store = await DatabaseDeploymentStore.create({ database });
        const repositories = ManifestRepositories.fromConfig(config, {
          logger,
          github: createGitHubRepositoryFactory(config, logger),
          webBaseUrl: await deps.discovery.getExternalBaseUrl('gitops'),
        });
        const environments = DefaultEnvironmentService.create({
          catalog,
          targets,
          store,
        });
        const deployments = new AuthorizedDeploymentService(
          DefaultDeploymentService.create({
            auth: deps.auth,
            catalog,
            config,
            targets,
            repositories,
            writer: new ChangeSetWriter(repositories),
            store,
            registry: OciRegistryClient.fromConfig(config, {
              cache: deps.cache,
            }),
          }),
          deps.permissions,
        );

        deps.httpRouter.use(
          await createRouter({
            auth: deps.auth,
            httpAuth: deps.httpAuth,
            auditor: deps.auditor,
            environments,
            deployments,
            idempotency: store.idempotency(),
            repositories,
          }),
        );
        deps.httpRouter.addAuthPolicy({
          path: '/health',
          allow: 'unauthenticated',
        });
      },
    });
  },
});
