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
      'Lists the environments configured in Shipdeck (gitops.environments), in promotion order, and the default manifest repository.',
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
        repository: z =>
          z
            .string()
            .optional()
            .describe(
              'The default manifest repository (gitops.manifests.repo), e.g. github.com/acme/deploy, gitlab.example.com/platform/deploy or local:demo, for gitops:manifests:publish',
            ),
        branch: z =>
          z
            .string()
            .optional()
            .describe('The branch Argo CD watches (gitops.manifests.branch)'),
        repoURL: z =>
          z
            .string()
            .optional()
            .describe(
              'The manifest repository as Argo CD Applications name it, for argocd:application:create',
            ),
      },
    },
    supportsDryRun: true,
    async handler(ctx) {
      const client = gitopsClientFor({
        ...options,
        credentials: await ctx.getInitiatorCredentials(),
      });
      const [environments, manifests] = await Promise.all([
        client.getConfiguredEnvironments(),
        client.getManifestRepository(),
      ]);
      if (manifests) {
        ctx.output('repository', manifests.repository);
        ctx.output('branch', manifests.branch);
        ctx.output('repoURL', manifests.repoURL);
      }
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
