import { Link } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import LockIcon from '@material-ui/icons/Lock';
import CallMergeIcon from '@material-ui/icons/CallMerge';
import CommitIcon from '@material-ui/icons/FiberManualRecord';
import { EntityEnvironment } from '@shipdeck/plugin-gitops-common';
import { ago, describeDeployment, strategyLabel } from './format';
import { ArgoStatus } from './ArgoStatus';

const useStyles = makeStyles(theme => ({
  stage: {
    padding: theme.spacing(2),
    minWidth: 240,
    flex: 1,
    borderTop: `4px solid ${theme.palette.primary.main}`,
  },
  chips: {
    display: 'flex',
    gap: theme.spacing(1),
    flexWrap: 'wrap',
    margin: theme.spacing(1, 0),
  },
  label: {
    color: theme.palette.text.secondary,
    textTransform: 'uppercase',
    fontSize: theme.typography.caption.fontSize,
    letterSpacing: 0.5,
    marginTop: theme.spacing(1),
  },
  mono: {
    fontFamily: 'monospace',
    wordBreak: 'break-all',
  },
}));

/** One environment of the pipeline: how changes land, where, and what last happened. */
export function EnvironmentStage(props: { item: EntityEnvironment }) {
  const { environment, manifest, argocd, lastDeployment } = props.item;
  const classes = useStyles();
  return (
    <Paper
      className={classes.stage}
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
      <div className={classes.chips}>
        {environment.pullRequest ? (
          <Chip size="small" icon={<CallMergeIcon />} label="pull request" />
        ) : (
          <Chip size="small" icon={<CommitIcon />} label="direct commit" />
        )}
        {environment.protected && (
          <Chip
            size="small"
            icon={<LockIcon />}
            label="protected"
            color="secondary"
          />
        )}
      </div>
      {environment.promotesFrom && (
        <Typography variant="body2">
          promotes from {environment.promotesFrom}
        </Typography>
      )}

      <Typography className={classes.label}>Running</Typography>
      <ArgoStatus status={props.item.status} error={props.item.statusError} />

      <Typography className={classes.label}>Manifest</Typography>
      <Typography variant="body2" className={classes.mono}>
        {manifest.repo}@{manifest.branch}:{manifest.path || '/'}
      </Typography>
      <Typography variant="body2">{strategyLabel(manifest)}</Typography>

      <Typography className={classes.label}>Argo CD</Typography>
      <Typography variant="body2">
        {argocd.url ? <Link to={argocd.url}>{argocd.name}</Link> : argocd.name}{' '}
        <Box component="span" color="text.secondary">
          on {argocd.instance}
        </Box>
      </Typography>

      <Typography className={classes.label}>Last deployment</Typography>
      {lastDeployment ? (
        <Typography variant="body2" title={lastDeployment.createdAt}>
          {describeDeployment(lastDeployment)}, {ago(lastDeployment.createdAt)}{' '}
          ({lastDeployment.status})
        </Typography>
      ) : (
        <Typography variant="body2" color="textSecondary">
          None recorded by Shipdeck yet
        </Typography>
      )}
    </Paper>
  );
}
