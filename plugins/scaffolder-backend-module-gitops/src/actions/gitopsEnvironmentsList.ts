import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { gitopsClientFor } from './gitopsClientFor';

/**
 * `gitops:environments:list`: the environments a new service will be
 * deployed to, in promotion order, so a template can create one overlay or
 * values file per environment without hard-coding the list.
 */
export function createGitopsEnvironmentsListAction(options: {
  auth: AuthService;
  discovery: DiscoveryService;
}) {
  return createTemplateAction({
    id: 'gitops:environments:list',
    description:
      'Lists the environments configured in Shipdeck (gitops.environments), in promotion order.',
    examples: [
      {
        description: 'Read the environments before creating manifests',
        example: `steps:
  - id: environments
    action: gitops:environments:list
    name: Environments`,
      },
    ],
    schema: {
      output: {
        names: z =>
          z
            .array(z.string())
            .describe(
              'Environment names in promotion order, e.g. ["dev", "staging", "production"]',
            ),
        environments: z =>
          z
            .array(
              z.object({
                name: z.string(),
                title: z.string(),
                pullRequest: z.boolean(),
                protected: z.boolean(),
                promotesFrom: z.string().optional(),
              }),
            )
            .describe(
              'Each environment: how changes land there and where it promotes from',
            ),
      },
    },
    supportsDryRun: true,
    async handler(ctx) {
      const client = gitopsClientFor({
        ...options,
        credentials: await ctx.getInitiatorCredentials(),
      });
      const environments = await client.getConfiguredEnvironments();
      ctx.logger.info(
        `Shipdeck environments: ${environments.map(e => e.name).join(' → ')}`,
      );
      ctx.output(
        'names',
        environments.map(e => e.name),
      );
      ctx.output(
        'environments',
        environments.map(
          ({
            name,
            title,
            pullRequest,
            protected: isProtected,
            promotesFrom,
          }) => ({
            name,
            title,
            pullRequest,
            protected: isProtected,
            ...(promotesFrom ? { promotesFrom } : {}),
          }),
        ),
      );
    },
  });
}
