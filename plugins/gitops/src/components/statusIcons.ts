import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import { EnvironmentStatus } from '@shipdeck/plugin-gitops-common';

type StatusIcon = typeof StatusOK;

// Argo CD health and sync mapped to Backstage's status icons, in one place
// for the entity page and the on-call page.
export const HEALTH_ICON: Record<EnvironmentStatus['health'], StatusIcon> = {
  Healthy: StatusOK,
  Progressing: StatusRunning,
  Suspended: StatusPending,
  Degraded: StatusError,
  Missing: StatusWarning,
  Unknown: StatusAborted,
};

export const SYNC_ICON: Record<EnvironmentStatus['sync'], StatusIcon> = {
  Synced: StatusOK,
  OutOfSync: StatusWarning,
  Unknown: StatusAborted,
};

export const SYNC_LABEL: Record<EnvironmentStatus['sync'], string> = {
  Synced: 'Synced',
  OutOfSync: 'Out of sync',
  Unknown: 'Sync unknown',
};
