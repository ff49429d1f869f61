import { Link } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { EntityEnvironment } from '@shipdeck/plugin-gitops-common';
import { ago, describeDeployment, strategyLabel } from '../format';
import { useChangeRequestTerms } from '../useChangeRequestTerms';
import { ArgoStatus } from './ArgoStatus';
import { EnvironmentFlags } from '../EnvironmentFlags';
import { PullRequestState } from '../PullRequestState';
import { LagBadges } from '../LagBadges';

const useStyles = makeStyles(theme => ({
  stage: {
    padding: theme.spacing(2),
    minWidth: 260,
    flex: 1,
    borderTop: `4px solid ${theme.palette.primary.main}`,
    display: 'flex',
    flexDirection: 'column',
  },
  problem: { borderTopColor: theme.palette.error.main },
  flags: { margin: theme.spacing(1, 0) },
  label: {
    color: theme.palette.text.secondary,
    textTransform: 'uppercase',
    fontSize: theme.typography.caption.fontSize,
    letterSpacing: 0.5,
    marginTop: theme.spacing(1.5),
  },
  mono: {
    fontFamily: 'monospace',
    wordBreak: 'break-all',
  },
  actions: { marginTop: 'auto', paddingTop: theme.spacing(2) },
}));

const PROBLEM_HEALTH = new Set(['Degraded', 'Missing', 'Unknown']);

/**
 * One environment of the pipeline: what runs, how changes land, where, what
 * last happened, and (as `actions`) what the user can do about it.
 */
export function EnvironmentStage(props: {
  item: EntityEnvironment;
  actions?: React.ReactNode;
}) {
  const { environment, manifest, argocd, lastDeployment, status } = props.item;
  const pending = props.item.pendingPullRequest;
  const classes = useStyles();
  const terms = useChangeRequestTerms();
  const problem =
    (status && (PROBLEM_HEALTH.has(status.health) || status.stale)) ||
    (!status && props.item.statusError);
  return (
    <Paper
      className={`${classes.stage} ${problem ? classes.problem : ''}`}
      variant="outlined"
      component="section"
      aria-label={`Environment ${environment.name}`}
    >
      <Typography variant="overline" color="textSecondary">
        Stage {environment.order + 1}
      </Typography>
      <Typography variant="h5" component="h3">
        {environment.name}
      </Typography>
      {environment.title !== environment.name && (
        <Typography variant="body2" color="textSecondary">
          {environment.title}
        </Typography>
      )}
      <EnvironmentFlags environment={environment} className={classes.flags} />

      <Typography className={classes.label}>Running</Typography>
      <ArgoStatus status={status} error={props.item.statusError} />
      <LagBadges lag={props.item.lag} drifted={props.item.drifted} />

      {pending && (
        <>
          <Typography className={classes.label}>
            Pending {terms.noun}
          </Typography>
          <Typography variant="body2">
            <Link to={pending.url}>{terms.reference(pending.number)}</Link> (
            {pending.state}): waiting to be merged
          </Typography>
          <Typography variant="body2" component="div">
            <PullRequestState pullRequest={pending} />
          </Typography>
        </>
      )}

      <Typography className={classes.label}>Last deployment</Typography>
      {lastDeployment ? (
        <Typography variant="body2" title={lastDeployment.createdAt}>
          {describeDeployment(lastDeployment)}, {ago(lastDeployment.createdAt)}{' '}
          ({lastDeployment.status})
          {lastDeployment.commitUrl && (
            <>
              {' · '}
              <Link to={lastDeployment.commitUrl}>
                commit {lastDeployment.commitSha?.slice(0, 7)}
              </Link>
            </>
          )}
        </Typography>
      ) : (
        <Typography variant="body2" color="textSecondary">
          None recorded by Shipdeck yet
        </Typography>
      )}

      <Typography className={classes.label}>Argo CD</Typography>
      <Typography variant="body2">
        {argocd.url ? <Link to={argocd.url}>{argocd.name}</Link> : argocd.name}{' '}
        <Box component="span" color="text.secondary">
          on {argocd.instance}
        </Box>
      </Typography>

      <Typography className={classes.label}>Manifest</Typography>
      <Typography variant="body2" className={classes.mono}>
        {manifest.repo}@{manifest.branch}:{manifest.path || '/'}
      </Typography>
      <Typography variant="body2">{strategyLabel(manifest)}</Typography>

      {props.actions && <div className={classes.actions}>{props.actions}</div>}
    </Paper>
  );
}
