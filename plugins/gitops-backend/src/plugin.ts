import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { gitopsPermissions } from '@shipdeck/plugin-gitops-common';
import { DatabaseDeploymentStore } from './database/DatabaseDeploymentStore';
import { createRouter } from './router';
import { seedLocalRepositories } from './scm/seedLocalRepositories';
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
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        database: coreServices.database,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
        logger: coreServices.logger,
      },
      async init({
        config,
        httpRouter,
        httpAuth,
        database,
        permissionsRegistry,
        catalog,
        logger,
      }) {
        permissionsRegistry.addPermissions(gitopsPermissions);
        await seedLocalRepositories({ config, logger });
        const targets = TargetResolver.fromConfig(config);
        const store = await DatabaseDeploymentStore.create({ database });
        const environments = DefaultEnvironmentService.create({
          catalog,
          targets,
          store,
        });
        httpRouter.use(await createRouter({ httpAuth, environments }));
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
