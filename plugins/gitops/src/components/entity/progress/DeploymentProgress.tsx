import { useEffect } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { Link } from '@backstage/core-components';
import { useSignal } from '@backstage/plugin-signals-react';
import Box from '@material-ui/core/Box';
import IconButton from '@material-ui/core/IconButton';
import Paper from '@material-ui/core/Paper';
import Step from '@material-ui/core/Step';
import StepLabel from '@material-ui/core/StepLabel';
import Stepper from '@material-ui/core/Stepper';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import CloseIcon from '@material-ui/icons/Close';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  ChangeRequestTerms,
  changeRequestTerms,
  isFinalDeploymentStatus,
  DeploymentRecord,
  GITOPS_SIGNAL_CHANNEL,
  GitopsSignal,
} from '@shipdeck/plugin-gitops-common';
import { gitopsApiRef } from '../../../api';
import { actorName, displayVersion, errorMessage } from '../../format';
import { useChangeRequestTerms } from '../../useChangeRequestTerms';

/** Polling while a deployment moves; signals make it immediate when present. */
export const PROGRESS_POLL_MS = 2_000;

const LABELS: Record<string, string> = {
  requested: 'Requested',
  committed: 'Committed',
  merged: 'Merged',
  syncing: 'Syncing',
  synced: 'Synced',
  healthy: 'Healthy',
  degraded: 'Degraded',
  failed: 'Failed',
  superseded: 'Superseded',
  closed: 'Closed without merging',
};

/**
 * The steps a deployment goes through, with the ones it reached; `terms`
 * name its pull (or merge) request.
 */
export function progressSteps(
  record: DeploymentRecord,
  terms: ChangeRequestTerms = changeRequestTerms(),
) {
  const viaPullRequest = record.steps.some(s => s.name === 'pr-opened');
  const expected = viaPullRequest
    ? ['requested', 'pr-opened', 'merged', 'syncing', 'synced', 'healthy']
    : ['requested', 'committed', 'syncing', 'synced', 'healthy'];
  const reached = new Map(record.steps.map(s => [s.name, s]));
  const ending = record.steps.find(s =>
    ['degraded', 'failed', 'superseded', 'closed'].includes(s.name),
  );
  const names = ending ? [...expected.slice(0, -1), ending.name] : expected;
  // A later step implies the earlier ones happened (the snapshot may skip one).
  const lastReached = Math.max(
    ...names.map((n, i) => (reached.has(n) ? i : -1)),
  );
  return names.map((name, index) => ({
    name,
    label:
      name === 'pr-opened' ? `${terms.title} opened` : LABELS[name] ?? name,
    step: reached.get(name),
    done: index <= lastReached,
    error: name === 'degraded' || name === 'failed',
  }));
}

const useStyles = makeStyles(theme => ({
  panel: { padding: theme.spacing(2), marginBottom: theme.spacing(2) },
  stepper: { padding: theme.spacing(2, 0, 1), background: 'transparent' },
}));

function time(iso?: string) {
  return iso ? new Date(iso).toLocaleTimeString() : undefined;
}

/**
 * One deployment's progress, live: refetched on the signal for it, polled
 * while it has not finished.
 */
export function DeploymentProgress(props: {
  deploymentId: string;
  onDismiss?: () => void;
  /** Told when the record changes, so the page around it can refetch. */
  onUpdate?: (record: DeploymentRecord) => void;
}) {
  const classes = useStyles();
  const api = useApi(gitopsApiRef);
  const terms = useChangeRequestTerms();
  const state = useAsyncRetry(
    () => api.getDeployment(props.deploymentId),
    [api, props.deploymentId],
  );
  const { lastSignal } = useSignal<GitopsSignal>(GITOPS_SIGNAL_CHANNEL);
  const record = state.value;
  const finished = record ? isFinalDeploymentStatus(record.status) : false;
  const { retry } = state;
  const { onUpdate } = props;

  useEffect(() => {
    if (lastSignal?.deploymentId === props.deploymentId) retry();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lastSignal]);
  useEffect(() => {
    if (finished) return undefined;
    const timer = setInterval(retry, PROGRESS_POLL_MS);
    return () => clearInterval(timer);
  }, [finished, retry]);
  const stepCount = record?.steps.length;
  useEffect(() => {
    if (record) onUpdate?.(record);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [record?.status, stepCount]);

  if (!record) {
    return (
      <Paper variant="outlined" className={classes.panel}>
        <Typography role={state.error ? 'alert' : 'status'}>
          {state.error
            ? `Could not load deployment ${props.deploymentId}: ${errorMessage(
                state.error,
              )}`
            : 'Loading deployment…'}
        </Typography>
      </Paper>
    );
  }
  const steps = progressSteps(record, terms);
  const active = steps.findIndex(s => !s.done);
  const last = record.steps[record.steps.length - 1];
  return (
    <Paper
      variant="outlined"
      className={classes.panel}
      component="section"
      aria-label={`Deployment to ${record.environment}`}
    >
      <Box display="flex" alignItems="center">
        <Box flex={1}>
          <Typography variant="subtitle1" component="h3">
            {record.action} to {record.environment}:{' '}
            <code>{displayVersion(record.fromVersion) ?? 'none'}</code> →{' '}
            <code>{displayVersion(record.toVersion)}</code>
          </Typography>
          <Typography variant="body2" color="textSecondary">
            by {actorName(record.actor)} ·{' '}
            {finished ? `finished: ${record.status}` : 'in progress'}
            {record.commitUrl && (
              <>
                {' · '}
                <Link to={record.commitUrl}>
                  commit {record.commitSha?.slice(0, 7)}
                </Link>
              </>
            )}
            {record.pullRequestUrl && (
              <>
                {' · '}
                <Link to={record.pullRequestUrl}>{terms.noun}</Link>
              </>
            )}
          </Typography>
        </Box>
        {props.onDismiss && (
          <IconButton
            aria-label={`Dismiss progress of ${record.environment} deployment`}
            onClick={props.onDismiss}
            size="small"
          >
            <CloseIcon />
          </IconButton>
        )}
      </Box>
      <Stepper
        activeStep={active === -1 ? steps.length : active}
        alternativeLabel
        className={classes.stepper}
        aria-label="Deployment steps"
        role="list"
      >
        {steps.map(s => (
          <Step
            key={s.name}
            completed={s.done && !s.error}
            role="listitem"
            aria-label={`${s.label}: ${
              s.done
                ? `done${s.step ? ` at ${time(s.step.at)}` : ''}`
                : 'pending'
            }`}
          >
            <StepLabel
              error={s.error}
              optional={
                <Typography variant="caption">
                  {time(s.step?.at) ?? ' '}
                </Typography>
              }
            >
              {s.label}
            </StepLabel>
          </Step>
        ))}
      </Stepper>
      {last?.message && (
        <Typography variant="body2" color="textSecondary" role="status">
          {last.message}
        </Typography>
      )}
    </Paper>
  );
}
