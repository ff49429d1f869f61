import express from 'express';
import { createOpenApiRouter } from './schema/openapiRouter';
import { RouterOptions, createRouteContext } from './routes/RouteContext';
import { addReadRoutes } from './routes/readRoutes';
import { addDeploymentRoutes } from './routes/deploymentRoutes';
import { addPublishRoutes } from './routes/publishRoutes';
import { addArgoRoutes } from './routes/argoRoutes';
import { addRepositoryRoutes } from './routes/repositoryRoutes';

export type { RouterOptions } from './routes/RouteContext';

/**
 * Shipdeck's REST API, as `src/schema/openapi.yaml` describes it: a request
 * the spec forbids is answered 400 before any route runs. Routes (in
 * `routes/`, one module per concern) take the checked input, call the
 * authorized services, audit, and write the response.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const router = await createOpenApiRouter();
  const ctx = createRouteContext(options);
  // The typed router's paths are checked against the spec; the route modules
  // take it as the express router it is.
  const routes = router as unknown as express.Router;
  addReadRoutes(routes, ctx);
  addDeploymentRoutes(routes, ctx);
  addPublishRoutes(routes, ctx);
  addArgoRoutes(routes, ctx);
  addRepositoryRoutes(routes, ctx);
  return router;
}
