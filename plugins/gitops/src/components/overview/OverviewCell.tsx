import { Link, StatusError, StatusPending } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { alpha, makeStyles } from '@material-ui/core/styles';
import { isAwaitingReview, OverviewRow } from '@shipdeck/plugin-gitops-common';
import { ago, describeDeployment, displayVersion } from '../format';
import { LagBadges } from '../LagBadges';
import { LagPromote } from './LagPromote';
import { EnvironmentColumn } from './matrix';
import {
  describeCell,
  HEALTH_ICON,
  severity,
  SYNC_ICON,
  SYNC_LABEL,
} from './status';
import { shortAgo } from './time';

const useStyles = makeStyles(theme => ({
  cell: {
    verticalAlign: 'top',
    minWidth: 200,
    maxWidth: 280,
    padding: theme.spacing(1, 1.5),
    borderLeft: '4px solid transparent',
  },
  error: {
    borderLeftColor: theme.palette.error.main,
    backgroundColor: alpha(theme.palette.error.main, 0.06),
  },
  warning: {
    borderLeftColor: theme.palette.warning.main,
    backgroundColor: alpha(theme.palette.warning.main, 0.06),
  },
  running: {
    borderLeftColor: theme.palette.info.main,
  },
  ok: {},
  main: {
    display: 'block',
    color: 'inherit',
    '&:hover $version': { textDecoration: 'underline' },
  },
  version: {
    fontFamily: 'monospace',
    fontWeight: theme.typography.fontWeightBold as number,
    fontSize: theme.typography.body1.fontSize,
    display: 'block',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  },
  statuses: {
    display: 'block',
    '& > span': { fontSize: theme.typography.body2.fontSize },
  },
  line: {
    display: 'block',
    overflowWrap: 'anywhere',
  },
  clamp: {
    display: '-webkit-box',
    WebkitLineClamp: 2,
    WebkitBoxOrient: 'vertical',
    overflow: 'hidden',
  },
  links: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
    marginTop: theme.spacing(0.5),
  },
}));

function pullRequestLabel(url: string): string {
  const number = /\/(?:pull|pulls|merge_requests)\/(\d+)/.exec(url)?.[1];
  return number ? `PR #${number}` : 'Pull request';
}

/**
 * One service in one environment: what runs, whether it is healthy and in
 * sync, what last changed it, and links to act on it.
 */
export function OverviewCell(props: {
  row: OverviewRow;
  /** Its environment, as configured (protected, by pull request). */
  column?: EnvironmentColumn;
  deploymentsHref: string;
  now: number;
}) {
  const { row, deploymentsHref, now } = props;
  const classes = useStyles();
  const { status, lastDeployment } = row;
  const level = severity(row);
  const awaitingReview = isAwaitingReview(row);
  let Health = awaitingReview ? StatusPending : StatusError;
  if (status) Health = HEALTH_ICON[status.health];
  const Sync = status ? SYNC_ICON[status.sync] : undefined;

  return (
    <td className={`${classes.cell} ${classes[level]}`} data-severity={level}>
      <Link
        to={deploymentsHref}
        className={classes.main}
        aria-label={describeCell(row)}
        underline="none"
      >
        {status ? (
          <>
            <span className={classes.version} title={status.version}>
              {displayVersion(status.version) ?? 'unknown version'}
            </span>
            <span className={classes.statuses}>
              <Health>{status.health}</Health>
              {Sync && <Sync>{SYNC_LABEL[status.sync]}</Sync>}
            </span>
          </>
        ) : (
          <span className={classes.statuses}>
            <Health>{awaitingReview ? 'Awaiting review' : 'No status'}</Health>
          </span>
        )}
      </Link>
      <LagBadges
        lag={row.lag}
        drifted={row.drifted}
        action={
          row.lag && (
            <LagPromote
              row={row}
              lag={row.lag}
              environment={{
                name: row.environment,
                pullRequest: props.column?.pullRequest ?? true,
                protected: props.column?.protected ?? true,
              }}
            />
          )
        }
      />
      {!status && row.statusError && (
        <Typography
          variant="caption"
          color={awaitingReview ? 'textSecondary' : 'error'}
          className={classes.line}
        >
          {row.statusError}
        </Typography>
      )}
      {status?.healthMessage && (
        <Typography
          variant="caption"
          color="textSecondary"
          className={`${classes.line} ${classes.clamp}`}
          title={status.healthMessage}
        >
          {status.healthMessage}
        </Typography>
      )}
      {status?.operation && status.operation.phase !== 'Succeeded' && (
        <Typography variant="caption" className={classes.line}>
          Sync {status.operation.phase.toLocaleLowerCase('en-US')}
        </Typography>
      )}
      {status?.rollout && (
        <Typography variant="caption" className={classes.line}>
          Rollout: {status.rollout.health}
          {status.rollout.health === 'Suspended'
            ? ' (waiting for promotion)'
            : ''}
        </Typography>
      )}
      {status?.stale && (
        <Typography
          variant="caption"
          color="error"
          className={classes.line}
          title={`Argo CD could not be read lately; last observed at ${status.observedAt}`}
        >
          Stale, observed {shortAgo(status.observedAt, now)}
        </Typography>
      )}
      {lastDeployment && (
        <Typography
          variant="caption"
          color="textSecondary"
          className={classes.line}
          title={lastDeployment.createdAt}
        >
          {describeDeployment(lastDeployment)},{' '}
          {ago(lastDeployment.createdAt, now)}
          {lastDeployment.status !== 'healthy'
            ? ` (${lastDeployment.status})`
            : ''}
        </Typography>
      )}
      {(lastDeployment?.pullRequestUrl || row.argocdUrl) && (
        <Typography variant="caption" component="div" className={classes.links}>
          {lastDeployment?.pullRequestUrl && (
            <Link
              to={lastDeployment.pullRequestUrl}
              aria-label={`${pullRequestLabel(
                lastDeployment.pullRequestUrl,
              )} of ${row.title} ${lastDeployment.toVersion} in ${
                row.environment
              }`}
            >
              {pullRequestLabel(lastDeployment.pullRequestUrl)}
            </Link>
          )}
          {row.argocdUrl && (
            <Link
              to={row.argocdUrl}
              aria-label={`Argo CD: ${row.title} in ${row.environment}`}
            >
              Argo CD
            </Link>
          )}
        </Typography>
      )}
    </td>
  );
}
