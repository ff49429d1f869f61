import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { examples } from './argocdSync.examples';
import { gitopsClientFor } from './gitopsClientFor';
import {
  entityRef,
  environment,
  parseServiceRef,
  timeoutSeconds,
  wait,
} from './inputProperties';

/** Where waiting ends badly, as `argocd app wait` would exit non-zero. */
const FAILED = ['degraded', 'failed'];

/**
 * `argocd:sync`: syncs a service's Argo CD Application in one environment
 * through Shipdeck (which holds the Argo CD token), as the template's
 * initiator, and by default waits until it is synced and healthy, like
 * `argocd app sync` followed by `argocd app wait --timeout`.
 */
export function createArgocdSyncAction(options: {
  auth: AuthService;
  discovery: DiscoveryService;
}) {
  return createTemplateAction({
    id: 'argocd:sync',
    description:
      'Syncs a service’s Argo CD Application in an environment through Shipdeck and waits for it to be healthy.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef,
        environment: z =>
          environment(z, 'The environment whose Application to sync'),
        prune: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Delete resources that are no longer in Git (default false)',
            ),
        wait: z =>
          wait(
            z,
            'Wait until synced and healthy (default true); degraded or failed fails the step',
          ),
        timeoutSeconds,
        dryRun: z =>
          z
            .boolean()
            .optional()
            .describe('Ask Argo CD for a dry-run sync: nothing is applied'),
      },
      output: {
        application: z => z.string().describe('The Argo CD Application synced'),
        url: z => z.string().optional().describe('Link to it in Argo CD'),
        state: z =>
          z
            .string()
            .describe(
              'Where it ended: healthy, suspended, degraded, failed, or syncing when not waiting',
            ),
        message: z => z.string().describe('What Argo CD said'),
      },
    },
    async handler(ctx) {
      const client = gitopsClientFor({
        ...options,
        credentials: await ctx.getInitiatorCredentials(),
      });
      const entity = parseServiceRef(ctx.input.entityRef);
      const waitForIt = ctx.input.wait ?? true;
      const dryRun = ctx.isDryRun || ctx.input.dryRun === true;
      ctx.logger.info(
        `Syncing ${entity.name} in ${ctx.input.environment}${
          waitForIt && !dryRun
            ? `, waiting up to ${ctx.input.timeoutSeconds ?? 300} s`
            : ''
        }`,
      );
      const outcome = await client.sync(entity, {
        environment: ctx.input.environment,
        prune: ctx.input.prune,
        dryRun,
        ...(waitForIt && !dryRun
          ? { wait: true, timeoutSeconds: ctx.input.timeoutSeconds ?? 300 }
          : {}),
      });
      ctx.logger.info(
        `${outcome.application.name}: ${outcome.state} — ${outcome.message}`,
      );
      ctx.output('application', outcome.application.name);
      if (outcome.url) ctx.output('url', outcome.url);
      ctx.output('state', outcome.state);
      ctx.output('message', outcome.message);
      if (FAILED.includes(outcome.state)) {
        throw new Error(
          `${outcome.application.name} ended ${outcome.state}: ${outcome.message}`,
        );
      }
    },
  });
}
