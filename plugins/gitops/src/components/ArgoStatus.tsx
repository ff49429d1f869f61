import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { EnvironmentStatus } from '@shipdeck/plugin-gitops-common';
import { ago } from './format';

// Argo CD health and sync mapped to Backstage's status icons, in one place.
const HEALTH_ICON: Record<EnvironmentStatus['health'], typeof StatusOK> = {
  Healthy: StatusOK,
  Progressing: StatusRunning,
  Suspended: StatusPending,
  Degraded: StatusError,
  Missing: StatusWarning,
  Unknown: StatusAborted,
};

/** Version, health and sync of one environment, as Argo CD last reported them. */
export function ArgoStatus(props: {
  status?: EnvironmentStatus;
  error?: string;
}) {
  const { status, error } = props;
  if (!status) {
    return (
      <Typography variant="body2" color="textSecondary">
        {error ?? 'Not seen in Argo CD yet'}
      </Typography>
    );
  }
  const Health = HEALTH_ICON[status.health] ?? StatusAborted;
  const Sync = status.sync === 'Synced' ? StatusOK : StatusWarning;
  return (
    <>
      <Typography
        variant="h6"
        component="p"
        style={{ fontFamily: 'monospace' }}
      >
        {status.version ?? 'unknown version'}
      </Typography>
      <Typography variant="body2">
        <Health>{status.health}</Health>
        {status.healthMessage ? ` – ${status.healthMessage}` : ''}
      </Typography>
      <Typography variant="body2">
        <Sync>{status.sync}</Sync>
        {status.revision ? ` at ${status.revision.slice(0, 7)}` : ''}
      </Typography>
      {status.operation && status.operation.phase !== 'Succeeded' && (
        <Typography variant="body2">
          Sync {status.operation.phase.toLocaleLowerCase('en-US')}
          {status.operation.message ? `: ${status.operation.message}` : ''}
        </Typography>
      )}
      {status.rollout && (
        <Typography variant="body2">
          Rollout {status.rollout.name}: {status.rollout.health}
          {status.rollout.health === 'Suspended'
            ? ' (waiting for promotion)'
            : ''}
        </Typography>
      )}
      {status.stale && (
        <Typography variant="body2" color="error">
          Argo CD could not be read lately; shown as of {ago(status.observedAt)}
        </Typography>
      )}
    </>
  );
}
