import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { DeploymentRequest } from '@shipdeck/plugin-gitops-common';
import { InputError } from '@backstage/errors';
import { examples } from './gitopsDeploy.examples';
import { gitopsClientFor } from './gitopsClientFor';
import {
  dryRun,
  entityRef,
  environment,
  parseServiceRef,
  timeoutSeconds,
  wait,
} from './inputProperties';
import { runDeploymentRequest } from './runDeploymentRequest';
import { deploymentOutputs } from './deploymentOutcome';

/**
 * `gitops:deploy`: deploys a version (or a branch's build) of a service to
 * an environment through Shipdeck's REST API, as the template's initiator,
 * so the same permission checks and audit apply as on the entity page.
 */
export function createGitopsDeployAction(options: {
  auth: AuthService;
  discovery: DiscoveryService;
}) {
  return createTemplateAction({
    id: 'gitops:deploy',
    description:
      'Deploys a version of a service to an environment: a Git change to its manifest (a commit, or a pull request where the environment asks for one), then Argo CD syncs it.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef,
        environment: z =>
          environment(z, 'The environment to deploy to, e.g. dev'),
        version: z =>
          z
            .string()
            .optional()
            .describe('The image tag or digest to deploy, e.g. 1.4.2'),
        gitRef: z =>
          z
            .string()
            .optional()
            .describe(
              'Instead of version: a branch of the service’s source repository (shipdeck.io/source-repo) whose head build to deploy',
            ),
        wait: z =>
          wait(
            z,
            'Wait until Argo CD reports the deployment healthy (or degraded/failed, which fails the step). Not for pull requests, which wait for review.',
          ),
        timeoutSeconds,
        dryRun,
      },
      output: deploymentOutputs,
    },
    async handler(ctx) {
      const { version, gitRef } = ctx.input;
      if (Boolean(version) === Boolean(gitRef)) {
        throw new InputError('Give exactly one of version or gitRef');
      }
      const request: DeploymentRequest = {
        type: 'deploy',
        environment: ctx.input.environment,
        ...(version ? { version } : { gitRef }),
      };
      await runDeploymentRequest(ctx, {
        client: gitopsClientFor({
          ...options,
          credentials: await ctx.getInitiatorCredentials(),
        }),
        entity: parseServiceRef(ctx.input.entityRef),
        request,
      });
    },
  });
}
