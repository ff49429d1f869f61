import express from 'express';
import { JsonObject } from '@backstage/types';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { DeploymentPlan } from '../service/DeploymentService';
import { WriteOptions } from '../service/IdempotentDeploymentService';
import { RouteContext } from './RouteContext';

/** A mutation's two ways to run: its dry run, and the write. */
export interface MutationRun {
  /** What would change; writes nothing. */
  preview: (
    credentials: BackstageCredentials,
  ) => Promise<{ body: unknown; meta: JsonObject }>;
  /** The write; an `unchanged` outcome answers 200, a written one 202. */
  execute: (options: WriteOptions) => Promise<{
    outcome: { unchanged: boolean };
    meta: JsonObject;
  }>;
}

/**
 * Every mutation: a dry run (`dryRun: true`) is a read, audited as a fetch;
 * anything else is audited as a mutation (refusals too). An Idempotency-Key
 * goes to the service with what was asked (the services replay it).
 */
export async function mutateOrPreview(
  ctx: RouteContext,
  req: express.Request,
  res: express.Response,
  /** `actionType` and what else the audit event records. */
  audit: { actionType: string } & JsonObject,
  run: MutationRun,
) {
  const dryRun = (req.body as { dryRun?: unknown }).dryRun === true;
  await ctx.audited(
    dryRun
      ? {
          eventId: 'deployment-fetch',
          request: req,
          meta: { queryType: 'preview', ...audit },
        }
      : {
          eventId: 'deployment-mutate',
          severityLevel: 'medium',
          request: req,
          meta: audit,
        },
    async () => {
      const credentials = await ctx.credentialsOf(req);
      if (dryRun) {
        const result = await run.preview(credentials);
        return {
          meta: result.meta,
          respond: () => res.status(200).json(result.body),
        };
      }
      const key = req.header('idempotency-key');
      const { outcome, meta } = await run.execute({
        credentials,
        idempotency: key
          ? {
              key,
              request: { route: `${req.method} ${req.path}`, body: req.body },
            }
          : undefined,
      });
      return {
        meta,
        respond: () => res.status(outcome.unchanged ? 200 : 202).json(outcome),
      };
    },
  );
}

/** A deployment plan, previewed or written, with the deployment's audit meta. */
export function deploymentRun(
  ctx: RouteContext,
  plan: (credentials: BackstageCredentials) => Promise<DeploymentPlan>,
): MutationRun {
  return {
    preview: async credentials => {
      const result = await ctx.deployments.preview(await plan(credentials), {
        credentials,
      });
      return {
        body: result,
        meta: {
          unchanged: result.unchanged,
          paths: result.changes.map(c => c.path),
        },
      };
    },
    execute: async options => {
      const outcome = await ctx.deployments.execute(
        await plan(options.credentials),
        options,
      );
      return {
        outcome,
        meta: {
          changeSetId: outcome.changeSetId,
          deploymentIds: outcome.deployments.map(d => d.id),
          commitSha: outcome.commitSha,
          pullRequest: outcome.pullRequest?.url,
          unchanged: outcome.unchanged,
        },
      };
    },
  };
}
