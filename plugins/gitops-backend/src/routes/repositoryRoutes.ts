import express from 'express';
import { RouteContext } from './RouteContext';

/**
 * Local manifest repositories have no web UI; these routes are what their
 * commit, file and pull request links point at, and where their pull
 * requests are merged.
 */
export function addRepositoryRoutes(router: express.Router, ctx: RouteContext) {
  const { localRepositories } = ctx;

  router.get('/repositories/:repo/commits/:sha', async (req, res) => {
    const credentials = await ctx.credentialsOf(req);
    const { repo, sha } = req.params;
    res
      .type('text/plain')
      .send(await localRepositories.showCommit(repo, sha, { credentials }));
  });

  // A file on a branch (`?ref=`, default main): what published files link to.
  router.get('/repositories/:repo/files/*', async (req, res) => {
    const credentials = await ctx.credentialsOf(req);
    const branch = typeof req.query.ref === 'string' ? req.query.ref : 'main';
    const path = (req.params as Record<string, string>)[0];
    res.type('text/plain').send(
      await localRepositories.readFile(req.params.repo, path, branch, {
        credentials,
      }),
    );
  });

  router.get('/repositories/:repo/pulls/:number', async (req, res) => {
    const credentials = await ctx.credentialsOf(req);
    const { repo, number } = req.params;
    res.json(
      await localRepositories.getPullRequest(repo, Number(number), {
        credentials,
      }),
    );
  });

  // Merging deploys what the pull request carries: authorized per entity
  // like a deploy (in the service), audited as a mutation.
  router.post('/repositories/:repo/pulls/:number/merge', async (req, res) => {
    const { repo, number } = req.params;
    await ctx.audited(
      {
        eventId: 'deployment-mutate',
        severityLevel: 'medium',
        request: req,
        meta: { actionType: 'merge', repository: repo, number },
      },
      async () => {
        const credentials = await ctx.credentialsOf(req);
        const plan = await ctx.pullRequests.planMerge(repo, Number(number), {
          credentials,
        });
        const outcome = await ctx.pullRequests.merge(plan, { credentials });
        return {
          meta: {
            commitSha: outcome.commitSha,
            deploymentIds: outcome.deployments.map(d => d.id),
          },
          respond: () => res.json(outcome),
        };
      },
    );
  });
}
