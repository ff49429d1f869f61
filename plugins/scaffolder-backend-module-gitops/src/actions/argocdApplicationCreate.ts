import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { applicationFiles } from '../generate/argocdApplication';
import { ApplicationsInput, resolveApplications } from './applicationsSpec';
import { examples } from './argocdApplicationCreate.examples';
import {
  applicationsInput,
  applicationsOutput,
} from './argocdApplicationCreate.schema';
import { configuredEnvironments } from './environments';
import { parseInput } from './parseInput';
import { writeGenerated } from './targetFiles';

/**
 * `argocd:application:create`: one Argo CD Application per environment,
 * written into an app-of-apps layout in the workspace, labelled so that
 * Shipdeck finds it for the entity and environment. Automated sync only
 * where Shipdeck does not sync itself (protected or pull-request
 * environments).
 */
export function createArgocdApplicationCreateAction(options: {
  auth: AuthService;
  discovery: DiscoveryService;
}) {
  return createTemplateAction({
    id: 'argocd:application:create',
    description:
      'Writes an Argo CD Application per Shipdeck environment into the workspace (app of apps), labelled for Shipdeck, with automated sync where Shipdeck does not sync itself.',
    examples,
    supportsDryRun: true,
    schema: { input: applicationsInput, output: applicationsOutput },
    async handler(ctx) {
      const input = parseInput(
        applicationsInput,
        ctx.input,
      ) as ApplicationsInput;
      const specs = resolveApplications(
        input,
        await configuredEnvironments(options, ctx),
      );
      const files = applicationFiles(specs);
      await writeGenerated(ctx, {
        files,
        targetPath: input.targetPath,
        overwrite: input.overwrite,
        pathFields: 'path',
      });
      ctx.output(
        'files',
        files.map(file => file.path),
      );
      ctx.output(
        'applications',
        specs.map(spec => ({
          environment: spec.environment,
          name: spec.name,
          namespace: spec.namespace,
          appNamespace: spec.appNamespace,
          path: spec.file,
        })),
      );
      ctx.output('appNameTemplate', input.nameTemplate);
      ctx.output('environmentLabel', input.environmentLabel);
    },
  });
}
