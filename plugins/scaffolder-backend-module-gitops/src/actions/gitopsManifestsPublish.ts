import {
  AuthService,
  DiscoveryService,
  resolveSafeChildPath,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { ManifestPublishRequest } from '@shipdeck/plugin-gitops-common';
import { examples } from './gitopsManifestsPublish.examples';
import { gitopsClientFor } from './gitopsClientFor';
import { dryRun, entityRef, parseServiceRef } from './inputProperties';
import { commitSha, commitUrl, pullRequestUrl } from './outputProperties';
import { readWorkspaceFiles, tagEnvironments } from './workspaceFiles';
import { sendOnce } from './requestKey';

/**
 * `gitops:manifests:publish`: lands the files a template generated in the
 * manifest repository through Shipdeck's backend, as the template's
 * initiator: one commit on the branch Argo CD watches, and one pull request
 * for the files of environments that take changes by review. The backend
 * validates every file, authorizes, audits and refuses to replace files
 * that hold other content, before anything is written.
 */
export function createGitopsManifestsPublishAction(options: {
  auth: AuthService;
  discovery: DiscoveryService;
}) {
  return createTemplateAction({
    id: 'gitops:manifests:publish',
    description:
      'Publishes the workspace’s manifests and Argo CD Applications to the manifest repository through Shipdeck: one commit, plus one pull request for environments that change by review.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef,
        sourcePath: z =>
          z
            .string()
            .optional()
            .describe(
              'Workspace folder whose files are published, laid out as the repository (default: the workspace root). Every file under it is published.',
            ),
        repository: z =>
          z
            .string()
            .optional()
            .describe(
              'Manifest repository, e.g. `github.com/acme/deploy`, `gitlab.example.com/platform/deploy` or `local:demo` (default: gitops.manifests.repo)',
            ),
        branch: z =>
          z
            .string()
            .optional()
            .describe(
              'Branch Argo CD watches (default: gitops.manifests.branch)',
            ),
        pullRequest: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Put every file in one pull request. Default: files of environments whose policy is a pull request (e.g. production) go in a pull request, the rest is committed.',
            ),
        overwrite: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Replace files that already exist with other content (needs deploy permission on the service). Default false: the publish is refused.',
            ),
        message: z =>
          z
            .string()
            .optional()
            .describe('Commit message and pull request title'),
        catalogInfoPath: z =>
          z
            .string()
            .optional()
            .describe(
              'The entity file among the published ones (relative to sourcePath); its link is output as catalogInfoUrl for catalog:register',
            ),
        dryRun,
      },
      output: {
        commitSha,
        commitUrl,
        pullRequestUrl,
        message: z => z.string().describe('What was done, in one sentence'),
        files: z =>
          z
            .array(
              z.object({
                path: z.string(),
                status: z.enum(['created', 'updated', 'unchanged']),
                landing: z.enum(['commit', 'pull-request']),
                url: z.string().optional(),
              }),
            )
            .describe(
              'Each published file: what happened to it and where it landed',
            ),
        catalogInfoUrl: z =>
          z
            .string()
            .optional()
            .describe(
              'Link to the published entity file, for catalog:register',
            ),
      },
    },
    async handler(ctx) {
      const ref = parseServiceRef(ctx.input.entityRef);
      // The file system refuses a NUL with a TypeError, not a reason.
      if (ctx.input.sourcePath?.includes('\0')) {
        throw new InputError('sourcePath: must not contain a NUL character');
      }
      const sourceDir = resolveSafeChildPath(
        ctx.workspacePath,
        ctx.input.sourcePath ?? '.',
      );
      const client = gitopsClientFor({
        ...options,
        credentials: await ctx.getInitiatorCredentials(),
      });
      const environments = await client.getConfiguredEnvironments();
      const files = tagEnvironments(
        await readWorkspaceFiles(sourceDir).catch(error => {
          if (error.code === 'ENOENT') {
            throw new InputError(
              `sourcePath: ${
                ctx.input.sourcePath ?? '.'
              } does not exist in the workspace`,
            );
          }
          throw error;
        }),
        environments,
      );
      if (!files.length) {
        throw new InputError(
          `sourcePath: ${
            ctx.input.sourcePath ?? '.'
          } holds no files to publish`,
        );
      }
      const catalogInfoPath = ctx.input.catalogInfoPath?.replace(/^\.\//, '');
      if (catalogInfoPath && !files.some(f => f.path === catalogInfoPath)) {
        throw new InputError(
          `catalogInfoPath: ${catalogInfoPath} is not among the published files`,
        );
      }
      const request: ManifestPublishRequest = {
        files,
        repository: ctx.input.repository,
        branch: ctx.input.branch,
        pullRequest: ctx.input.pullRequest,
        overwrite: ctx.input.overwrite,
        message: ctx.input.message,
      };
      for (const file of files) {
        ctx.logger.info(
          `${file.path}${file.environment ? ` (${file.environment})` : ''}`,
        );
      }

      if (ctx.isDryRun || ctx.input.dryRun) {
        // The backend checks and authorizes the dry run like the real one.
        const preview = await client.previewManifests(ref, request);
        ctx.logger.info(
          `Dry run: ${preview.files.length} file(s) for ${preview.repository}@${preview.branch}; nothing written`,
        );
        ctx.output(
          'message',
          `Dry run: nothing written to ${preview.repository}`,
        );
        ctx.output(
          'files',
          preview.files.map(({ diff: _diff, ...file }) => file),
        );
        return;
      }

      const outcome = await sendOnce(
        ctx,
        'publish',
        { entity: stringifyEntityRef(ref), request },
        mutation => client.publishManifests(ref, request, mutation),
      );
      ctx.logger.info(outcome.message);
      ctx.output('message', outcome.message);
      ctx.output('files', outcome.files);
      if (outcome.commitSha) ctx.output('commitSha', outcome.commitSha);
      if (outcome.commitUrl) ctx.output('commitUrl', outcome.commitUrl);
      if (outcome.pullRequest?.url) {
        ctx.output('pullRequestUrl', outcome.pullRequest.url);
      }
      const catalogInfo = outcome.files.find(
        (f: { path: string }) => f.path === catalogInfoPath,
      );
      if (catalogInfo?.url) ctx.output('catalogInfoUrl', catalogInfo.url);
    },
  });
}
