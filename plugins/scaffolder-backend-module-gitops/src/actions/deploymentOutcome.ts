import { LoggerService } from '@backstage/backend-plugin-api';
import {
  DeploymentOutcome,
  DeploymentRecord,
  GitopsApi,
  isFinalDeploymentStatus,
} from '@shipdeck/plugin-gitops-common';
import { z as zod } from 'zod/v3';
import { commitSha, commitUrl, pullRequestUrl } from './outputProperties';

/** The outputs gitops:deploy and gitops:promote share, for a next step to use. */
export const deploymentOutputs = {
  message: (z: typeof zod) =>
    z.string().describe('What was done, in one sentence'),
  unchanged: (z: typeof zod) =>
    z
      .boolean()
      .describe(
        'True when the environment already ran the version: nothing written',
      ),
  deploymentId: (z: typeof zod) =>
    z
      .string()
      .optional()
      .describe('The deployment record, for GET /api/gitops/deployments/{id}'),
  status: (z: typeof zod) =>
    z
      .string()
      .optional()
      .describe(
        'The deployment’s last status: committed, pr-opened, syncing, healthy, degraded, failed, superseded or abandoned',
      ),
  commitSha,
  commitUrl,
  pullRequestUrl,
};

/**
 * Follows a deployment's record until Argo CD reports it healthy (or
 * degraded, failed, superseded) or the time is up, logging each new step.
 * A deployment waiting for its pull request's review is not waited for.
 */
export async function followDeployment(
  client: Pick<GitopsApi, 'getDeployment'>,
  record: DeploymentRecord,
  options: { timeoutSeconds: number; logger: LoggerService; pollMs?: number },
): Promise<DeploymentRecord> {
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  let current = record;
  let logged = 0;
  for (;;) {
    for (const step of current.steps.slice(logged)) {
      options.logger.info(
        `${step.name}${step.message ? `: ${step.message}` : ''}`,
      );
    }
    logged = current.steps.length;
    if (
      isFinalDeploymentStatus(current.status) ||
      current.status === 'pr-opened'
    ) {
      return current;
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `Deployment ${current.id} is still ${current.status} after ${options.timeoutSeconds} s`,
      );
    }
    await new Promise(r => setTimeout(r, options.pollMs ?? 2000));
    current = await client.getDeployment(current.id);
  }
}

/** Writes a deployment's outputs; fails the step when it ended badly. */
export function outputDeployment(
  output: (name: any, value: any) => void,
  outcome: DeploymentOutcome,
  record: DeploymentRecord | undefined,
) {
  output('message', outcome.message);
  output('unchanged', outcome.unchanged);
  if (record) {
    output('deploymentId', record.id);
    output('status', record.status);
  }
  if (outcome.commitSha) output('commitSha', outcome.commitSha);
  if (outcome.commitUrl) output('commitUrl', outcome.commitUrl);
  if (outcome.pullRequest?.url)
    output('pullRequestUrl', outcome.pullRequest.url);
  if (record && (record.status === 'degraded' || record.status === 'failed')) {
    const last = record.steps[record.steps.length - 1];
    throw new Error(
      `Deployment ${record.id} ended ${record.status}${
        last?.message ? `: ${last.message}` : ''
      }`,
    );
  }
}
