import express from 'express';
import { InputError } from '@backstage/errors';
import {
  TIMELINE_CHANGE_KINDS,
  TimelineChangeKind,
} from '@shipdeck/plugin-gitops-common';
import { RouteContext } from './RouteContext';
import { parseEntityParams, parseEntityQuery } from './requestParams';

/**
 * What the entity tab, the overview and the metrics page read. The spec has
 * checked (and typed) every query parameter.
 */
export function addReadRoutes(router: express.Router, ctx: RouteContext) {
  addEnvironmentReads(router, ctx);
  addTimelineReads(router, ctx);
  addDashboardReads(router, ctx);
}

/** Health, the configured environments, and one entity's environments. */
function addEnvironmentReads(router: express.Router, ctx: RouteContext) {
  const { environments } = ctx;

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/environments', async (req, res) => {
    await ctx.credentialsOf(req);
    res.json({
      environments: environments.listConfigured(),
      ...(ctx.manifestRepository ? { manifests: ctx.manifestRepository } : {}),
    });
  });

  router.get(
    '/entities/:namespace/:kind/:name/environments',
    async (req, res) => {
      const credentials = await ctx.credentialsOf(req);
      const entityRef = parseEntityParams(req.params);
      res.json(
        await environments.getEntityEnvironments(entityRef, { credentials }),
      );
    },
  );

  router.get(
    '/entities/:namespace/:kind/:name/source-changes',
    async (req, res) => {
      const credentials = await ctx.credentialsOf(req);
      const entityRef = parseEntityParams(req.params);
      const { from, to } = req.query as { from: string; to: string };
      res.json(
        await ctx.sourceChanges.getSourceChanges(
          entityRef,
          { from, to },
          { credentials },
        ),
      );
    },
  );
}

/** An entity's timeline: Argo CD events and records, and the changes they make up. */
function addTimelineReads(router: express.Router, ctx: RouteContext) {
  const { timeline } = ctx;

  router.get('/entities/:namespace/:kind/:name/timeline', async (req, res) => {
    const credentials = await ctx.credentialsOf(req);
    const entityRef = parseEntityParams(req.params);
    const query = req.query as {
      environment?: string;
      types?: string;
      before?: string;
      limit?: number;
    };
    res.json(
      await timeline.getTimeline(
        entityRef,
        { ...query, types: query.types?.split(',').filter(Boolean) },
        { credentials },
      ),
    );
  });

  router.get('/entities/:namespace/:kind/:name/changes', async (req, res) => {
    const credentials = await ctx.credentialsOf(req);
    const entityRef = parseEntityParams(req.params);
    const query = req.query as {
      environment?: string;
      kinds?: string;
      before?: string;
      limit?: number;
    };
    const kinds = query.kinds?.split(',').filter(Boolean) ?? [];
    const unknown = kinds.filter(
      k => !TIMELINE_CHANGE_KINDS.includes(k as any),
    );
    if (unknown.length) {
      throw new InputError(
        `kinds: unknown change kind ${unknown.join(
          ', ',
        )}; expected ${TIMELINE_CHANGE_KINDS.join(', ')}`,
      );
    }
    res.json(
      await timeline.getChanges(
        entityRef,
        { ...query, kinds: kinds as TimelineChangeKind[] },
        { credentials },
      ),
    );
  });
}

/** The overview, the delivery metrics and single deployment records. */
function addDashboardReads(router: express.Router, ctx: RouteContext) {
  const { overview, metrics, deployments } = ctx;

  router.get('/overview', async (req, res) => {
    const credentials = await ctx.credentialsOf(req);
    res.json(
      await overview.getOverview(
        req.query as Parameters<typeof overview.getOverview>[0],
        { credentials },
      ),
    );
  });

  router.get('/metrics', async (req, res) => {
    const credentials = await ctx.credentialsOf(req);
    const { entity, days, ...selection } = req.query as {
      entity?: string;
      days?: number;
      owner?: string;
      system?: string;
      environment?: string;
    };
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
    const credentials = await ctx.credentialsOf(req);
    await ctx.audited(
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
}
