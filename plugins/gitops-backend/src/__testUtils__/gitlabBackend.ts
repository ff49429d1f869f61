import { createGitLabStandIn } from '@shipdeck/gitlab-stand-in';
import {
  seedManifests,
  StandInBackendOptions,
  startStandInBackend,
} from './githubBackend';

/** The demo's manifest repository on GitLab, in a nested group. */
export const gitlabRepo = 'gitlab.example.com/shop/platform/deploy';
export const gitlabProject = 'shop/platform/deploy';

/**
 * The gitops backend writing to `gitlab.example.com/shop/platform/deploy`,
 * served by the GitLab stand-in over a bare repository seeded with the
 * given files (the demo manifests by default). Credentials come from
 * `integrations.gitlab`, exactly as in production (a self-managed host).
 * `token` is the one the backend uses; `glpat-read` may only read.
 */
export async function startGitLabBackend(
  options: StandInBackendOptions & {
    token?: string;
    webhooks?: Array<{ url: string; token?: string }>;
  },
) {
  const { dir, git } = await seedManifests(options);
  const standIn = createGitLabStandIn({
    projects: [{ fullPath: gitlabProject, dir }],
    tokens: { 'glpat-write': 'write', 'glpat-read': 'read' },
    webhooks: options.webhooks,
  });
  const { url, close } = await standIn.start();
  const server = await startStandInBackend({
    ...options,
    repo: gitlabRepo,
    integrations: {
      gitlab: [
        {
          host: 'gitlab.example.com',
          apiBaseUrl: `${url}/api/v4`,
          baseUrl: 'https://gitlab.example.com',
          token: options.token ?? 'glpat-write',
        },
      ],
    },
  });
  return { server, git, standIn, url, close };
}
