import express from 'express';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { PublishRequest } from '../service/ManifestPublishService';
import { RouteContext } from './RouteContext';
import { mutateOrPreview } from './mutations';
import { parseEntityParams, withoutDryRun } from './requestParams';

/**
 * A template's new service: its manifests and Applications, landed through
 * the same write path, audit and idempotency as a deployment.
 */
export function addPublishRoutes(router: express.Router, ctx: RouteContext) {
  const { manifests } = ctx;
  router.post(
    '/entities/:namespace/:kind/:name/manifests',
    async (req, res) => {
      const entityRef = parseEntityParams(req.params);
      const body = req.body as Omit<PublishRequest, 'entityRef'> & {
        dryRun?: boolean;
      };
      const plan = (credentials: BackstageCredentials) =>
        manifests.planPublish(
          { entityRef, ...withoutDryRun(body) },
          { credentials },
        );
      const audit = {
        actionType: 'publish',
        entityRef,
        paths: body.files.map(f => f.path),
      };
      await mutateOrPreview(ctx, req, res, audit, {
        preview: async credentials => {
          const result = await manifests.preview(await plan(credentials), {
            credentials,
          });
          return { body: result, meta: { unchanged: result.unchanged } };
        },
        execute: async options => {
          const outcome = await manifests.publish(
            await plan(options.credentials),
            options,
          );
          return {
            outcome,
            meta: {
              commitSha: outcome.commitSha,
              pullRequest: outcome.pullRequest?.url,
              unchanged: outcome.unchanged,
            },
          };
        },
      });
    },
  );
}
