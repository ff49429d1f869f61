import express from 'express';
import { NotFoundError } from '@backstage/errors';
import { RouteContext } from './RouteContext';

/**
 * Local manifest repositories have no web UI; these routes are what their
 * commit, file and pull request links point at, and where their pull
 * requests are merged.
 */
export function addRepositoryRoutes(router: express.Router, ctx: RouteContext) {
  const localRepository = (id: string) => {
    const repo = ctx.repositories.getLocal(id);
    if (!repo) throw new NotFoundError(`No local manifest repository ${id}`);
    return repo;
  };

  router.get('/repositories/:repo/commits/:sha', async (req, res) => {
    await ctx.credentialsOf(req);
    const text = await localRepository(req.params.repo).showCommit(
      req.params.sha,
    );
    res.type('text/plain').send(text);
  });

  // A file on a branch (`?ref=`, default main): what published files link to.
  router.get('/repositories/:repo/files/*', async (req, res) => {
    await ctx.credentialsOf(req);
    const repo = localRepository(req.params.repo);
    const branch = typeof req.query.ref === 'string' ? req.query.ref : 'main';
    const path = (req.params as Record<string, string>)[0];
    const content = await repo.readFile(await repo.getHead(branch), path);
    if (content === undefined) {
      throw new NotFoundError(
        `${path} does not exist in ${req.params.repo}@${branch}`,
      );
    }
    res.type('text/plain').send(content);
  });

  router.get('/repositories/:repo/pulls/:number', async (req, res) => {
    await ctx.credentialsOf(req);
    const pulls = await localRepository(req.params.repo).listPullRequests();
    const pull = pulls.find(p => String(p.number) === req.params.number);
    if (!pull) {
      throw new NotFoundError(
        `No pull request #${req.params.number} in ${req.params.repo}`,
      );
    }
    res.json(pull);
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
