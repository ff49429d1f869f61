import express from 'express';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  ArgoActionTarget,
  SyncOutcome,
  SyncService,
} from '../service/SyncService';
import { RouteContext } from './RouteContext';
import { parseEntityParams } from './requestParams';

type Body = Record<string, any>;

/** One Argo CD action: its path, and how its (checked) body drives the service. */
interface ArgoAction {
  path: string;
  actionType: string;
  run: (
    sync: SyncService,
    target: ArgoActionTarget,
    body: Body,
    caller: { credentials: BackstageCredentials },
  ) => Promise<SyncOutcome>;
}

const ACTIONS: ArgoAction[] = [
  {
    path: 'sync',
    actionType: 'sync',
    run: (sync, target, { environment: _environment, ...request }, caller) =>
      sync.sync(target, request, caller),
  },
  {
    path: 'refresh',
    actionType: 'refresh',
    run: (sync, target, { hard }, caller) =>
      sync.refresh(target, { hard }, caller),
  },
  {
    path: 'terminate',
    actionType: 'terminate',
    run: (sync, target, _body, caller) => sync.terminate(target, caller),
  },
  {
    path: 'argocd-rollbacks',
    actionType: 'argocd-rollback',
    run: (sync, target, { historyId, prune }, caller) =>
      sync.rollback(target, { historyId, prune }, caller),
  },
  {
    path: 'rollout-actions',
    actionType: 'rollout-action',
    run: (sync, target, { action }, caller) =>
      sync.rolloutAction(target, action, caller),
  },
];

/**
 * Argo CD actions on an entity's Application in one environment: gitops.sync
 * on the entity (in the service), audited like the Git mutations.
 */
export function addArgoRoutes(router: express.Router, ctx: RouteContext) {
  for (const action of ACTIONS) {
    router.post(
      `/entities/:namespace/:kind/:name/${action.path}`,
      async (req, res) => {
        const entityRef = parseEntityParams(req.params);
        const body = req.body as Body & { environment: string };
        await ctx.audited(
          {
            eventId: 'application-mutate',
            severityLevel: 'medium',
            request: req,
            meta: { actionType: action.actionType, entityRef, ...body },
          },
          async () => {
            const credentials = await ctx.credentialsOf(req);
            const target = await ctx.sync.locate(entityRef, body.environment, {
              credentials,
            });
            const outcome = await action.run(ctx.sync, target, body, {
              credentials,
            });
            // A sync that was not waited for has only started.
            const status = outcome.inProgress ? 202 : 200;
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
}
