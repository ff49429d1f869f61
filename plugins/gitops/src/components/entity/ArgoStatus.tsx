import {
  StatusAborted,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import {
  EnvironmentStatus,
  OperationHook,
} from '@shipdeck/plugin-gitops-common';
import { HookList } from '../HookList';
import { ago, displayVersion } from '../format';
import { HEALTH_ICON } from '../statusIcons';

/** Health as a Backstage status icon and its word, e.g. for one-line views. */
export function HealthStatus(props: { status?: EnvironmentStatus }) {
  const { status } = props;
  if (!status) return <StatusAborted>not seen in Argo CD</StatusAborted>;
  const Health = HEALTH_ICON[status.health] ?? StatusAborted;
  return (
    <Health>
      {status.health}
      {status.sync === 'OutOfSync' ? ', out of sync' : ''}
      {status.stale ? ` (as of ${ago(status.observedAt)})` : ''}
    </Health>
  );
}

// The hooks that held a sync up or failed it; succeeded ones are no news.
const unfinishedHooks = (hooks: OperationHook[] = []) =>
  hooks.filter(h => h.phase !== 'Succeeded');

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
        title={status.version}
      >
        {displayVersion(status.version) ?? 'unknown version'}
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
        <>
          <Typography variant="body2">
            Sync {status.operation.phase.toLocaleLowerCase('en-US')}
            {status.operation.message ? `: ${status.operation.message}` : ''}
          </Typography>
          <HookList hooks={unfinishedHooks(status.operation.hooks)} />
        </>
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
