import {
  CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { ActionContext } from '@backstage/plugin-scaffolder-node';
import {
  DeploymentOutcome,
  DeploymentRequest,
  GitopsApi,
} from '@shipdeck/plugin-gitops-common';
import { followDeployment, outputDeployment } from './deploymentOutcome';
import { sendOnce } from './requestKey';

type Context = Pick<
  ActionContext<
    { dryRun?: boolean; wait?: boolean; timeoutSeconds?: number },
    any
  >,
  'input' | 'isDryRun' | 'logger' | 'output' | 'checkpoint' | 'task'
>;

/**
 * The common body of gitops:deploy and gitops:promote: a dry run answers
 * the diff; otherwise the request is sent once (a checkpoint and an
 * Idempotency-Key keep a retried step from deploying twice) and, when
 * asked, followed until Argo CD reports the outcome.
 */
export async function runDeploymentRequest(
  ctx: Context,
  options: {
    client: GitopsApi;
    entity: CompoundEntityRef;
    request: DeploymentRequest;
  },
) {
  const { client, entity, request } = options;
  if (ctx.isDryRun || ctx.input.dryRun) {
    const preview = await client.previewDeployment(entity, request);
    for (const change of preview.changes) {
      ctx.logger.info(`${change.path}\n${change.diff || '(no change)'}`);
    }
    ctx.output('message', `Dry run: ${preview.summary}`);
    ctx.output('unchanged', preview.unchanged);
    return;
  }
  const outcome: DeploymentOutcome = await sendOnce(
    ctx,
    request.type,
    { entity: stringifyEntityRef(entity), request },
    mutation => client.requestDeployment(entity, request, mutation),
  );
  ctx.logger.info(outcome.message);
  let record = outcome.deployments[0];
  if (record && ctx.input.wait) {
    record = await followDeployment(client, record, {
      timeoutSeconds: ctx.input.timeoutSeconds ?? 300,
      logger: ctx.logger,
    });
  }
  outputDeployment(ctx.output, outcome, record);
}
