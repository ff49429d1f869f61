import express from 'express';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  DeploymentPlan,
  DeploymentService,
  DeployRequest,
  ReleaseRequest,
  TagDeploymentRequest,
} from '../service/DeploymentService';
import { RouteContext } from './RouteContext';
import { deploymentRun, mutateOrPreview } from './mutations';
import {
  parseEntityParams,
  requireExactlyOne,
  requireFullCommitSha,
  withoutDryRun,
} from './requestParams';

type Body = Record<string, any>;
type Caller = { credentials: BackstageCredentials };

/** An entity mutation: its path, and how its (checked) body is planned. */
interface EntityMutation {
  path: string;
  actionType: string;
  plan: (
    deployments: DeploymentService,
    entityRef: CompoundEntityRef,
    body: Body,
    caller: Caller,
  ) => Promise<DeploymentPlan>;
}

const ENTITY_MUTATIONS: EntityMutation[] = [
  {
    path: 'deployments',
    actionType: 'deploy',
    plan: (deployments, entityRef, body, caller) =>
      deployments.planDeploy(
        {
          entityRef,
          ...(withoutDryRun(
            requireExactlyOne(body, 'version', 'gitRef'),
          ) as Omit<DeployRequest, 'entityRef'>),
        },
        caller,
      ),
  },
  {
    path: 'promotions',
    actionType: 'promote',
    plan: (deployments, entityRef, body, caller) =>
      deployments.planPromote(
        { entityRef, ...(withoutDryRun(body) as { from: string; to: string }) },
        caller,
      ),
  },
  {
    path: 'rollbacks',
    actionType: 'rollback',
    plan: (deployments, entityRef, body, caller) =>
      deployments.planRollback(
        {
          entityRef,
          ...(withoutDryRun(body) as { environment: string; to: string }),
        },
        caller,
      ),
  },
];

/**
 * Deploy, promote, roll back (per entity), releases and deploy tags: each a
 * plan, then its dry run or its write. The spec has checked each body.
 */
export function addDeploymentRoutes(router: express.Router, ctx: RouteContext) {
  const { deployments } = ctx;
  for (const mutation of ENTITY_MUTATIONS) {
    router.post(
      `/entities/:namespace/:kind/:name/${mutation.path}`,
      async (req, res) => {
        const entityRef = parseEntityParams(req.params);
        await mutateOrPreview(
          ctx,
          req,
          res,
          { actionType: mutation.actionType, entityRef, ...req.body },
          deploymentRun(ctx, credentials =>
            mutation.plan(deployments, entityRef, req.body, { credentials }),
          ),
        );
      },
    );
  }

  // The rules across fields are checked inside the audited run, so a
  // refusal is audited like any other.
  router.post('/releases', async (req, res) => {
    await mutateOrPreview(
      ctx,
      req,
      res,
      { actionType: 'release', ...req.body },
      deploymentRun(ctx, credentials =>
        deployments.planRelease(
          withoutDryRun(
            requireExactlyOne(req.body as Body, 'system', 'entityRefs'),
          ) as ReleaseRequest,
          { credentials },
        ),
      ),
    );
  });

  router.post('/tag-deployments', async (req, res) => {
    await mutateOrPreview(
      ctx,
      req,
      res,
      { actionType: 'tag-deployment', ...req.body },
      deploymentRun(ctx, credentials =>
        deployments.planTagDeployment(
          withoutDryRun(
            requireFullCommitSha(req.body as Body),
          ) as TagDeploymentRequest,
          { credentials },
        ),
      ),
    );
  });
}
