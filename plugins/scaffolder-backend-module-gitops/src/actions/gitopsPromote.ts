import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { examples } from './gitopsPromote.examples';
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
 * `gitops:promote`: copies the version a service runs in one environment
 * to the next (staging → production opens a pull request where the
 * environment asks for review), through Shipdeck's REST API as the
 * template's initiator.
 */
export function createGitopsPromoteAction(options: {
  auth: AuthService;
  discovery: DiscoveryService;
}) {
  return createTemplateAction({
    id: 'gitops:promote',
    description:
      'Promotes a service: the version it runs in `from` is deployed to `to` (the environment that promotes from it).',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef,
        from: z =>
          environment(
            z,
            'The environment whose version is copied, e.g. staging',
          ),
        to: z =>
          environment(
            z,
            'The environment to promote to; it must promote from `from` (e.g. production)',
          ),
        wait: z =>
          wait(
            z,
            'Wait until Argo CD reports the promotion healthy (or degraded/failed, which fails the step). Not for pull requests.',
          ),
        timeoutSeconds,
        dryRun,
      },
      output: deploymentOutputs,
    },
    async handler(ctx) {
      await runDeploymentRequest(ctx, {
        client: gitopsClientFor({
          ...options,
          credentials: await ctx.getInitiatorCredentials(),
        }),
        entity: parseServiceRef(ctx.input.entityRef),
        request: { type: 'promote', from: ctx.input.from, to: ctx.input.to },
      });
    },
  });
}
