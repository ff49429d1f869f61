import { ArgoOperationState } from '../../argocd/types';

/** The hook result Shipdeck keeps of a failed PreSync migration Job. */
export const failedMigrationHook = {
  hookType: 'PreSync',
  kind: 'Job',
  name: 'orders-db-migrate',
  phase: 'Failed',
  message: 'Job has reached the specified backoff limit',
};

/**
 * What Argo CD keeps of an auto-sync whose PreSync migration Job failed
 * (facts §4): the operation Failed, nothing applied, no history entry.
 */
export function failedMigration(at: {
  startedAt: string;
  finishedAt: string;
  revision: string;
}): ArgoOperationState {
  return {
    phase: 'Failed',
    startedAt: at.startedAt,
    finishedAt: at.finishedAt,
    message: 'one or more synchronization tasks completed unsuccessfully',
    operation: { initiatedBy: { automated: true } },
    syncResult: {
      revision: at.revision,
      resources: [
        {
          kind: failedMigrationHook.kind,
          name: failedMigrationHook.name,
          hookType: failedMigrationHook.hookType,
          hookPhase: 'Failed',
          message: failedMigrationHook.message,
        },
      ],
    },
  };
}
