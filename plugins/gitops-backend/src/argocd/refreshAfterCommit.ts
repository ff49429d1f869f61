import { LoggerService } from '@backstage/backend-plugin-api';
import { ArgoAppRef, ArgoCdClient } from './types';

/**
 * Asks Argo CD to look at Git now for these Applications, then calls
 * `thenLookAgain` (a new snapshot of every instance).
 *
 * Without webhooks Argo CD polls Git every 120 s plus up to 60 s of jitter
 * (https://argo-cd.readthedocs.io/en/stable/faq/#how-often-does-argo-cd-check-for-changes-to-my-git-or-helm-repository);
 * a normal refresh (`GET /api/v1/applications/{name}?refresh=normal`) after
 * Shipdeck commits or merges makes the change show in seconds instead.
 * Never rejects: a failed refresh is logged, and the next scheduled look
 * catches up.
 */
export function refreshAfterCommit(options: {
  argocd: ArgoCdClient;
  logger: LoggerService;
  thenLookAgain?: () => void;
}): (apps: ArgoAppRef[]) => void {
  const { argocd, logger, thenLookAgain = () => {} } = options;
  return apps => {
    const refreshes = apps
      .filter(app => argocd.instances().includes(app.instance))
      .map(app =>
        argocd
          .getApplication(
            {
              instance: app.instance,
              name: app.name,
              namespace: app.namespace,
            },
            { refresh: 'normal' },
          )
          .catch(error =>
            logger.warn(`Refresh of ${app.name} failed: ${error}`),
          ),
      );
    if (refreshes.length) {
      Promise.all(refreshes).then(thenLookAgain);
    }
  };
}
