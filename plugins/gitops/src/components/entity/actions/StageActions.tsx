import { ReactNode, useId, useState } from 'react';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  ArgoActionOutcome,
  DeploymentOutcome,
  EntityEnvironment,
  RolloutAction,
} from '@shipdeck/plugin-gitops-common';
import { gitopsApiRef } from '../../../api';
import { displayVersion, errorMessage } from '../../format';
import { useChangeRequestTerms } from '../../useChangeRequestTerms';
import { DeployDialog } from './DeployDialog';
import { PromoteDialog } from './PromoteDialog';
import { RollbackDialog } from './RollbackDialog';
import { SyncDialog } from './SyncDialog';
import { ConfirmDialog } from './ConfirmDialog';
import { Allowance, GitopsPermissions } from './useGitopsPermissions';

const useStyles = makeStyles(theme => ({
  row: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
    marginTop: theme.spacing(1),
  },
  reason: {
    marginTop: theme.spacing(1),
    color: theme.palette.text.secondary,
  },
}));

type Dialog =
  | 'deploy'
  | 'promote'
  | 'rollback'
  | 'sync'
  | 'merge'
  | 'abort'
  | undefined;

/** A button that, when it may not be used, says why (tooltip and text). */
function ActionButton(props: {
  allowance: Allowance;
  /** Disabled for a reason other than permissions. */
  unavailable?: string;
  reasonId: string;
  onClick: () => void;
  children: ReactNode;
  primary?: boolean;
}) {
  const why = props.allowance.reason ?? props.unavailable;
  const disabled = !props.allowance.allowed || Boolean(props.unavailable);
  const button = (
    <Button
      size="small"
      variant={props.primary ? 'contained' : 'outlined'}
      color={props.primary ? 'primary' : 'default'}
      disabled={disabled}
      onClick={props.onClick}
      aria-describedby={disabled ? props.reasonId : undefined}
    >
      {props.children}
    </Button>
  );
  if (!disabled || !why) return button;
  // Disabled buttons fire no events; the span carries the tooltip.
  return (
    <Tooltip title={why}>
      <span>{button}</span>
    </Tooltip>
  );
}

/** What the user can do to one environment, each control honest about why not. */
export function StageActions(props: {
  entityRef: string;
  item: EntityEnvironment;
  /** The environment this one promotes from, when there is one. */
  source?: EntityEnvironment;
  permissions: GitopsPermissions;
  canDeployBranch: boolean;
  onStarted: (outcome: DeploymentOutcome) => void;
  onChanged: () => void;
}) {
  const { entityRef, item, source, permissions } = props;
  const classes = useStyles();
  const api = useApi(gitopsApiRef);
  const alertApi = useApi(alertApiRef);
  const [dialog, setDialog] = useState<Dialog>();
  const [busy, setBusy] = useState(false);
  const reasonId = useId();
  const terms = useChangeRequestTerms();
  const environment = item.environment.name;
  const deploy = permissions.deploy(item.environment);
  const sync = permissions.sync;

  const argoAction = async (
    what: string,
    call: () => Promise<ArgoActionOutcome>,
  ) => {
    setBusy(true);
    try {
      const outcome = await call();
      alertApi.post({
        message: `${what}: ${outcome.message}`,
        severity: 'success',
        display: 'transient',
      });
      props.onChanged();
    } catch (e) {
      alertApi.post({
        message: `${what} failed: ${errorMessage(e)}`,
        severity: 'error',
      });
    } finally {
      setBusy(false);
      setDialog(undefined);
    }
  };
  const rollout = (action: RolloutAction, label: string) =>
    argoAction(label, () =>
      api.rolloutAction(entityRef, { environment, action }),
    );

  const sourceVersion = source?.status?.version;
  const currentVersion = item.status?.version;
  // A new service's environment that its pull request adds: its files are
  // not on the branch yet, so there is nothing to change until it merges.
  const adding =
    !item.status &&
    item.lastDeployment?.status === 'pr-opened' &&
    !item.lastDeployment.fromVersion
      ? `${environment} arrives with its ${terms.noun}${
          item.pendingPullRequest
            ? ` ${terms.reference(item.pendingPullRequest.number)}`
            : ''
        }; merge it first`
      : undefined;
  let promoteUnavailable: string | undefined = adding;
  if (!adding && source && !sourceVersion) {
    promoteUnavailable = `Nothing known to run in ${source.environment.name} yet`;
  } else if (!adding && source && sourceVersion === currentVersion) {
    promoteUnavailable = `${environment} already runs ${displayVersion(
      sourceVersion,
    )}`;
  }
  const merge = async (number: number) => {
    setBusy(true);
    try {
      const outcome = await api.mergePullRequest(item.manifest.repo, number);
      props.onStarted({
        unchanged: false,
        message: outcome.message,
        commitSha: outcome.commitSha,
        deployments: outcome.deployments,
      });
    } catch (e) {
      alertApi.post({
        message: `Merge failed: ${errorMessage(e)}`,
        severity: 'error',
      });
    } finally {
      setBusy(false);
      setDialog(undefined);
    }
  };
  // Shipdeck merges only in local repositories; on GitHub people review and
  // merge there, following the pull request link.
  const pending = item.pendingPullRequest;
  const mergeable = pending && item.manifest.repo.startsWith('local:');
  const rolloutState = item.status?.rollout;
  const paused = rolloutState?.health === 'Suspended';
  const reasons = [
    ...new Set([
      ...[deploy, sync].filter(a => !a.loading && a.reason).map(a => a.reason!),
      ...(adding ? [adding] : []),
    ]),
  ];

  return (
    <Box role="group" aria-label={`Actions for ${environment}`}>
      <div className={classes.row}>
        <ActionButton
          primary
          allowance={deploy}
          unavailable={adding}
          reasonId={reasonId}
          onClick={() => setDialog('deploy')}
        >
          Deploy…
        </ActionButton>
        {source && (
          <ActionButton
            primary={Boolean(item.lag)}
            allowance={deploy}
            unavailable={promoteUnavailable}
            reasonId={reasonId}
            onClick={() => setDialog('promote')}
          >
            Promote from {source.environment.name}
          </ActionButton>
        )}
        <ActionButton
          allowance={deploy}
          unavailable={adding}
          reasonId={reasonId}
          onClick={() => setDialog('rollback')}
        >
          Roll back…
        </ActionButton>
        <ActionButton
          allowance={sync}
          unavailable={busy ? 'Working…' : undefined}
          reasonId={reasonId}
          onClick={() => setDialog('sync')}
        >
          Sync…
        </ActionButton>
        <ActionButton
          allowance={sync}
          unavailable={busy ? 'Working…' : undefined}
          reasonId={reasonId}
          onClick={() =>
            argoAction('Refresh', () => api.refresh(entityRef, { environment }))
          }
        >
          Refresh
        </ActionButton>
        {mergeable && (
          <ActionButton
            primary
            allowance={deploy}
            unavailable={busy ? 'Working…' : undefined}
            reasonId={reasonId}
            onClick={() => setDialog('merge')}
          >
            Merge pull request #{pending.number}
          </ActionButton>
        )}
        {rolloutState && (
          <>
            <ActionButton
              allowance={sync}
              unavailable={
                paused ? undefined : 'The rollout is not waiting for promotion'
              }
              reasonId={reasonId}
              onClick={() => rollout('promote', 'Promote rollout')}
            >
              Promote rollout
            </ActionButton>
            <ActionButton
              allowance={sync}
              reasonId={reasonId}
              onClick={() => setDialog('abort')}
            >
              Abort rollout
            </ActionButton>
          </>
        )}
      </div>
      {source && !promoteUnavailable && sourceVersion && (
        <Typography variant="caption" component="p" color="textSecondary">
          Promote: {displayVersion(currentVersion) ?? 'none'} →{' '}
          {displayVersion(sourceVersion)}
        </Typography>
      )}
      <div id={reasonId}>
        {reasons.map(reason => (
          <Typography
            key={reason}
            variant="caption"
            component="p"
            className={classes.reason}
          >
            {reason}
          </Typography>
        ))}
      </div>

      {dialog === 'deploy' && (
        <DeployDialog
          entityRef={entityRef}
          item={item}
          canDeployBranch={props.canDeployBranch}
          onClose={() => setDialog(undefined)}
          onStarted={props.onStarted}
        />
      )}
      {dialog === 'promote' && source && (
        <PromoteDialog
          entityRef={entityRef}
          from={source.environment.name}
          to={item.environment}
          sourceChanges={props.canDeployBranch}
          onClose={() => setDialog(undefined)}
          onStarted={props.onStarted}
        />
      )}
      {dialog === 'rollback' && (
        <RollbackDialog
          entityRef={entityRef}
          item={item}
          onClose={() => setDialog(undefined)}
          onStarted={props.onStarted}
        />
      )}
      {dialog === 'merge' && pending && (
        <ConfirmDialog
          title={`Merge pull request #${pending.number}`}
          confirmLabel="Merge"
          busy={busy}
          onClose={() => setDialog(undefined)}
          onConfirm={() => merge(pending.number)}
        >
          <Typography>
            Merges it into {item.manifest.repo}@{item.manifest.branch}; Argo CD
            then syncs {environment}.
          </Typography>
        </ConfirmDialog>
      )}
      {dialog === 'abort' && rolloutState && (
        <ConfirmDialog
          title={`Abort rollout ${rolloutState.name}`}
          confirmLabel="Abort rollout"
          busy={busy}
          onClose={() => setDialog(undefined)}
          onConfirm={() => rollout('abort', 'Abort rollout')}
        >
          <Typography>
            Traffic stays on the stable version and the new one is scaled down;
            the Rollout reports Degraded until the next deployment.
          </Typography>
        </ConfirmDialog>
      )}
      {dialog === 'sync' && (
        <SyncDialog
          item={item}
          busy={busy}
          onClose={() => setDialog(undefined)}
          onSync={options =>
            argoAction(options.dryRun ? 'Sync dry run' : 'Sync', () =>
              api.sync(entityRef, { environment, ...options }),
            )
          }
        />
      )}
    </Box>
  );
}
