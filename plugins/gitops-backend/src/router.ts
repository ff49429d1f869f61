import { createHash } from 'node:crypto';
import express from 'express';
import { JsonObject } from '@backstage/types';
import Router from 'express-promise-router';
import {
  AuditorService,
  AuthService,
  BackstageCredentials,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError, toError } from '@backstage/errors';
import { IdempotencyStore } from './database/IdempotencyStore';
import { ManifestRepositories } from './scm/ManifestRepositories';
import {
  DeploymentOutcome,
  DeploymentPlan,
  DeploymentService,
} from './service/DeploymentService';
import { EnvironmentService } from './service/EnvironmentService';
import { actorOf } from './service/catalogEntities';
import { SyncService } from './service/SyncService';
import { TimelineService } from './service/TimelineService';
import { OverviewService } from './service/OverviewService';
import { MetricsService } from './service/MetricsService';
import { PullRequestService } from './service/PullRequestService';
import { ManifestPublishService } from './service/ManifestPublishService';
import { ManifestRepositoryInfo } from '@shipdeck/plugin-gitops-common';
import {
  deployBody,
  parseBody,
  parseQuery,
  promotionBody,
  publishBody,
  releaseBody,
  rollbackBody,
  tagDeploymentBody,
  syncBody,
  refreshBody,
  terminateBody,
  rolloutActionBody,
  argoRollbackBody,
  timelineQuery,
  timelineChangesQuery,
  overviewQuery,
  metricsQuery,
} from './service/requestSchemas';

const SEGMENT = /^[A-Za-z0-9._~-][A-Za-z0-9._~:-]*$/;

/** Routes only parse input, call the services, audit, and write the response. */
export async function createRouter(options: {
  auth: AuthService;
  httpAuth: HttpAuthService;
  auditor: AuditorService;
  environments: EnvironmentService;
  deployments: DeploymentService;
  idempotency: IdempotencyStore;
  repositories: ManifestRepositories;
  sync: SyncService;
  timeline: TimelineService;
  overview: OverviewService;
  metrics: MetricsService;
  pullRequests: PullRequestService;
  manifests: ManifestPublishService;
  /** The default manifest repository, for templates (GET /environments). */
  manifestRepository?: ManifestRepositoryInfo;
}): Promise<express.Router> {
  const {
    auth,
    httpAuth,
    auditor,
    environments,
    deployments,
    idempotency,
    repositories,
    sync,
    timeline,
    overview,
    metrics,
    pullRequests,
    manifests,
    manifestRepository,
  } = options;
  const router = Router();
  router.use(express.json({ limit: '1mb' }));

  const credentialsOf = (req: express.Request) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  /**
   * Runs a request inside an audit event: `work` says what to record and how
   * to answer; a throw (a refusal too) is recorded as the failure and
   * rethrown for the error handler.
   */
  async function audited(
    event: Parameters<AuditorService['createEvent']>[0],
    work: () => Promise<{
      meta?: JsonObject;
      respond: () => void;
    }>,
  ) {
    const auditorEvent = await auditor.createEvent(event);
    let result;
    try {
      result = await work();
      await auditorEvent.success(
        result.meta ? { meta: result.meta } : undefined,
      );
    } catch (error) {
      await auditorEvent.fail({ error: toError(error) });
      throw error;
    }
    result.respond();
  }

  /**
   * Every mutation: audited (including refusals), replayed under an
   * Idempotency-Key, 202 with the records when something was written and 200
   * when nothing needed to change.
   */
  async function mutate(
    req: express.Request,
    res: express.Response,
    actionType: string,
    meta: Record<string, unknown>,
    run: (credentials: BackstageCredentials) => Promise<{
      outcome: { unchanged: boolean };
      meta: JsonObject;
    }>,
  ) {
    const key = req.header('idempotency-key');
    await audited(
      {
        eventId: 'deployment-mutate',
        severityLevel: 'medium',
        request: req,
        meta: { actionType, ...meta },
      },
      async () => {
        const credentials = await credentialsOf(req);
        const actor = actorOf(auth, credentials);
        if (key !== undefined) {
          if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
            throw new InputError(
              'Idempotency-Key must be 1-255 visible ASCII characters',
            );
          }
          const hash = createHash('sha256')
            .update(
              `${req.method} ${req.baseUrl}${req.path}\n${JSON.stringify(
                req.body ?? {},
              )}`,
            )
            .digest('hex');
          const decision = await idempotency.begin(key, actor, hash);
          if (decision.kind === 'replay') {
            return {
              meta: { replayed: true },
              respond: () => res.status(decision.status).json(decision.body),
            };
          }
        }
        let result;
        try {
          result = await run(credentials);
        } catch (error) {
          if (key !== undefined) await idempotency.abandon(key, actor);
          throw error;
        }
        const status = result.outcome.unchanged ? 200 : 202;
        if (key !== undefined) {
          await idempotency.complete(key, actor, status, result.outcome);
        }
        return {
          meta: result.meta,
          respond: () => res.status(status).json(result.outcome),
        };
      },
    );
  }

  /**
   * A mutation with `dryRun: true`: the same parsing, planning and
   * authorization (so the same 400 and 403), then the diff it would write.
   * Nothing is written, so it is a read: no idempotency entry, audited as a
   * fetch.
   */
  async function preview(
    req: express.Request,
    res: express.Response,
    actionType: string,
    meta: Record<string, unknown>,
    run: (
      credentials: BackstageCredentials,
    ) => Promise<{ body: unknown; meta: JsonObject }>,
  ) {
    await audited(
      {
        eventId: 'deployment-fetch',
        request: req,
        meta: { queryType: 'preview', actionType, ...meta },
      },
      async () => {
        const credentials = await credentialsOf(req);
        const result = await run(credentials);
        return {
          meta: result.meta,
          respond: () => res.status(200).json(result.body),
        };
      },
    );
  }

  /** Sends a request to {@link preview} or {@link mutate} by its `dryRun` flag. */
  async function mutateOrPreview(
    req: express.Request,
    res: express.Response,
    actionType: string,
    meta: Record<string, unknown>,
    run: {
      preview: Parameters<typeof preview>[4];
      execute: Parameters<typeof mutate>[4];
    },
  ) {
    if (isDryRun(req)) {
      await preview(req, res, actionType, meta, run.preview);
    } else {
      await mutate(req, res, actionType, meta, run.execute);
    }
  }

  /** A deployment plan, previewed or written, with the deployment's audit meta. */
  const deploymentRun = (
    plan: (credentials: BackstageCredentials) => Promise<DeploymentPlan>,
  ) => ({
    preview: async (credentials: BackstageCredentials) => {
      const result = await deployments.preview(await plan(credentials), {
        credentials,
      });
      return {
        body: result,
        meta: {
          unchanged: result.unchanged,
          paths: result.changes.map(c => c.path),
        },
      };
    },
    execute: async (credentials: BackstageCredentials) => {
      const outcome: DeploymentOutcome = await deployments.execute(
        await plan(credentials),
        { credentials },
      );
      return {
        outcome,
        meta: {
          changeSetId: outcome.changeSetId,
          deploymentIds: outcome.deployments.map(d => d.id),
          commitSha: outcome.commitSha,
          pullRequest: outcome.pullRequest?.url,
          unchanged: outcome.unchanged,
        },
      };
    },
  });

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/environments', async (req, res) => {
    await credentialsOf(req);
    res.json({
      environments: environments.listConfigured(),
      ...(manifestRepository ? { manifests: manifestRepository } : {}),
    });
  });

  router.get(
    '/entities/:namespace/:kind/:name/environments',
    async (req, res) => {
      const credentials = await credentialsOf(req);
      const entityRef = parseEntityParams(req.params);
      res.json(
        await environments.getEntityEnvironments(entityRef, { credentials }),
      );
    },
  );

  // Entity mutations differ only in how their body is parsed and planned.
  type EntityRef = ReturnType<typeof parseEntityParams>;
  const entityMutations: Array<{
    path: string;
    actionType: string;
    plan: (
      entityRef: EntityRef,
      body: unknown,
      credentials: BackstageCredentials,
    ) => Promise<DeploymentPlan>;
  }> = [
    {
      path: 'deployments',
      actionType: 'deploy',
      plan: (entityRef, body, credentials) =>
        deployments.planDeploy(
          { entityRef, ...withoutDryRun(parseBody(deployBody, body)) },
          { credentials },
        ),
    },
    {
      path: 'promotions',
      actionType: 'promote',
      plan: (entityRef, body, credentials) =>
        deployments.planPromote(
          { entityRef, ...withoutDryRun(parseBody(promotionBody, body)) },
          { credentials },
        ),
    },
    {
      path: 'rollbacks',
      actionType: 'rollback',
      plan: (entityRef, body, credentials) =>
        deployments.planRollback(
          { entityRef, ...withoutDryRun(parseBody(rollbackBody, body)) },
          { credentials },
        ),
    },
  ];
  for (const mutation of entityMutations) {
    router.post(
      `/entities/:namespace/:kind/:name/${mutation.path}`,
      async (req, res) => {
        const entityRef = parseEntityParams(req.params);
        await mutateOrPreview(
          req,
          res,
          mutation.actionType,
          { entityRef, ...req.body },
          deploymentRun(credentials =>
            mutation.plan(entityRef, req.body, credentials),
          ),
        );
      },
    );
  }

  router.post('/releases', async (req, res) => {
    await mutateOrPreview(
      req,
      res,
      'release',
      { ...req.body },
      deploymentRun(credentials =>
        deployments.planRelease(
          withoutDryRun(parseBody(releaseBody, req.body)),
          { credentials },
        ),
      ),
    );
  });

  router.post('/tag-deployments', async (req, res) => {
    await mutateOrPreview(
      req,
      res,
      'tag-deployment',
      { ...req.body },
      deploymentRun(credentials =>
        deployments.planTagDeployment(
          withoutDryRun(parseBody(tagDeploymentBody, req.body)),
          { credentials },
        ),
      ),
    );
  });

  // A template's new service: its manifests and Applications, landed
  // through the same write path, audit and idempotency as a deployment.
  router.post(
    '/entities/:namespace/:kind/:name/manifests',
    async (req, res) => {
      const entityRef = parseEntityParams(req.params);
      const meta = {
        entityRef,
        paths: Array.isArray(req.body?.files)
          ? req.body.files.map((f: { path?: unknown }) => String(f?.path))
          : [],
      };
      const plan = (credentials: BackstageCredentials) =>
        manifests.planPublish(
          { entityRef, ...withoutDryRun(parseBody(publishBody, req.body)) },
          { credentials },
        );
      await mutateOrPreview(req, res, 'publish', meta, {
        preview: async credentials => {
          const result = await manifests.preview(await plan(credentials), {
            credentials,
          });
          return { body: result, meta: { unchanged: result.unchanged } };
        },
        execute: async credentials => {
          const outcome = await manifests.publish(await plan(credentials), {
            credentials,
          });
          return {
            outcome,
            meta: {
              commitSha: outcome.commitSha,
              pullRequest: outcome.pullRequest?.url,
              unchanged: outcome.unchanged,
            },
          };
        },
      });
    },
  );

  // Argo CD actions: gitops.sync on the entity, audited like the Git mutations.
  const argoActions: Array<{
    path: string;
    actionType: string;
    run: (
      target: Awaited<ReturnType<SyncService['locate']>>,
      body: unknown,
      options: { credentials: BackstageCredentials },
    ) => ReturnType<SyncService['sync']>;
    schema: Parameters<typeof parseBody>[0];
  }> = [
    {
      path: 'sync',
      actionType: 'sync',
      schema: syncBody,
      run: (target, body, caller) => {
        const { environment: _environment, ...request } = parseBody(
          syncBody,
          body,
        );
        return sync.sync(target, request, caller);
      },
    },
    {
      path: 'refresh',
      actionType: 'refresh',
      schema: refreshBody,
      run: (target, body, caller) =>
        sync.refresh(
          target,
          { hard: parseBody(refreshBody, body).hard },
          caller,
        ),
    },
    {
      path: 'terminate',
      actionType: 'terminate',
      schema: terminateBody,
      run: (target, _body, caller) => sync.terminate(target, caller),
    },
    {
      path: 'argocd-rollbacks',
      actionType: 'argocd-rollback',
      schema: argoRollbackBody,
      run: (target, body, caller) => {
        const { historyId, prune } = parseBody(argoRollbackBody, body);
        return sync.rollback(target, { historyId, prune }, caller);
      },
    },
    {
      path: 'rollout-actions',
      actionType: 'rollout-action',
      schema: rolloutActionBody,
      run: (target, body, caller) =>
        sync.rolloutAction(
          target,
          parseBody(rolloutActionBody, body).action,
          caller,
        ),
    },
  ];
  for (const action of argoActions) {
    router.post(
      `/entities/:namespace/:kind/:name/${action.path}`,
      async (req, res) => {
        const entityRef = parseEntityParams(req.params);
        await audited(
          {
            eventId: 'application-mutate',
            severityLevel: 'medium',
            request: req,
            meta: { actionType: action.actionType, entityRef, ...req.body },
          },
          async () => {
            const credentials = await credentialsOf(req);
            const { environment } = parseBody(action.schema, req.body) as {
              environment: string;
            };
            const target = await sync.locate(entityRef, environment, {
              credentials,
            });
            const outcome = await action.run(target, req.body, {
              credentials,
            });
            const status =
              action.actionType === 'sync' && !(req.body as any)?.wait
                ? 202
                : 200;
            return {
              meta: {
                application: { ...outcome.application },
                state: outcome.state,
              },
              respond: () => res.status(status).json(outcome),
            };
          },
        );
      },
    );
  }

  router.get('/entities/:namespace/:kind/:name/timeline', async (req, res) => {
    const credentials = await credentialsOf(req);
    const entityRef = parseEntityParams(req.params);
    const query = parseQuery(timelineQuery, req.query);
    res.json(
      await timeline.getTimeline(
        entityRef,
        {
          environment: query.environment,
          types: query.types?.split(',').filter(Boolean),
          before: query.before,
          limit: query.limit,
        },
        { credentials },
      ),
    );
  });

  router.get('/entities/:namespace/:kind/:name/changes', async (req, res) => {
    const credentials = await credentialsOf(req);
    const entityRef = parseEntityParams(req.params);
    const query = parseQuery(timelineChangesQuery, req.query);
    res.json(await timeline.getChanges(entityRef, query, { credentials }));
  });

  router.get('/overview', async (req, res) => {
    const credentials = await credentialsOf(req);
    res.json(
      await overview.getOverview(parseQuery(overviewQuery, req.query), {
        credentials,
      }),
    );
  });

  router.get('/metrics', async (req, res) => {
    const credentials = await credentialsOf(req);
    const { entity, days, ...selection } = parseQuery(metricsQuery, req.query);
    res.json(
      await metrics.getMetrics(
        {
          ...selection,
          entityRef:
            entity !== undefined ? parseEntityQuery(entity) : undefined,
          days: days ?? 30,
        },
        { credentials },
      ),
    );
  });

  router.get('/deployments/:id', async (req, res) => {
    const credentials = await credentialsOf(req);
    await audited(
      {
        eventId: 'deployment-fetch',
        request: req,
        meta: { queryType: 'by-id', deploymentId: req.params.id },
      },
      async () => {
        const record = await deployments.getDeployment(req.params.id, {
          credentials,
        });
        return { respond: () => res.json(record) };
      },
    );
  });

  // Local manifest repositories have no web UI; these routes are what their
  // commit and pull request links point at.
  const localRepository = (id: string) => {
    const repo = repositories.getLocal(id);
    if (!repo) throw new NotFoundError(`No local manifest repository ${id}`);
    return repo;
  };

  router.get('/repositories/:repo/commits/:sha', async (req, res) => {
    await credentialsOf(req);
    const text = await localRepository(req.params.repo).showCommit(
      req.params.sha,
    );
    res.type('text/plain').send(text);
  });

  // A file on a branch (`?ref=`, default main): what published files link to.
  router.get('/repositories/:repo/files/*', async (req, res) => {
    await credentialsOf(req);
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
    await credentialsOf(req);
    const pulls = await localRepository(req.params.repo).listPullRequests();
    const pull = pulls.find(p => String(p.number) === req.params.number);
    if (!pull)
      throw new NotFoundError(
        `No pull request #${req.params.number} in ${req.params.repo}`,
      );
    res.json(pull);
  });

  // Merging deploys what the pull request carries: authorized per entity like
  // a deploy, audited as a mutation.
  router.post('/repositories/:repo/pulls/:number/merge', async (req, res) => {
    const { repo } = req.params;
    await audited(
      {
        eventId: 'deployment-mutate',
        severityLevel: 'medium',
        request: req,
        meta: {
          actionType: 'merge',
          repository: repo,
          number: req.params.number,
        },
      },
      async () => {
        const credentials = await credentialsOf(req);
        if (!/^[1-9]\d{0,9}$/.test(req.params.number)) {
          throw new InputError(
            `Invalid pull request number '${req.params.number}' in the path`,
          );
        }
        const plan = await pullRequests.planMerge(
          repo,
          Number(req.params.number),
          { credentials },
        );
        const outcome = await pullRequests.merge(plan, { credentials });
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

  return router;
}

/** An entity ref from a query parameter; kind and namespace default like the catalog's. */
function parseEntityQuery(value: string) {
  try {
    return parseEntityRef(value, {
      defaultKind: 'component',
      defaultNamespace: 'default',
    });
  } catch (error) {
    throw new InputError(
      `Invalid request query: entity: ${toError(error).message}`,
    );
  }
}

// Anything but a literal true is left to the body schema, which refuses a
// malformed dryRun with a 400 before anything is written.
function isDryRun(req: express.Request): boolean {
  return (req.body as { dryRun?: unknown } | undefined)?.dryRun === true;
}

/** A parsed body without the dry-run flag, which is the router's business. */
function withoutDryRun<T extends { dryRun?: boolean }>(
  body: T,
): Omit<T, 'dryRun'> {
  const { dryRun: _dryRun, ...rest } = body;
  return rest;
}

function parseEntityParams(params: Record<string, string>) {
  for (const key of ['namespace', 'kind', 'name']) {
    if (!SEGMENT.test(params[key] ?? '')) {
      throw new InputError(
        `Invalid entity ${key} '${params[key]}' in the path`,
      );
    }
  }
  return { namespace: params.namespace, kind: params.kind, name: params.name };
}
