import Box from '@material-ui/core/Box';
import IconButton from '@material-ui/core/IconButton';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import RefreshIcon from '@material-ui/icons/Refresh';
import { OverviewCounts } from '@shipdeck/plugin-gitops-common';
import { Severity } from './status';
import { shortAgo } from './time';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(1.5),
    marginBottom: theme.spacing(1.5),
  },
  bar: {
    display: 'flex',
    width: 160,
    height: 10,
    borderRadius: 5,
    overflow: 'hidden',
    backgroundColor: theme.palette.action.hover,
    flexShrink: 0,
  },
  error: { backgroundColor: theme.palette.error.main },
  warning: { backgroundColor: theme.palette.warning.main },
  running: { backgroundColor: theme.palette.info.main },
  ok: { backgroundColor: theme.palette.success.main },
}));

const ORDER: Severity[] = ['error', 'warning', 'running', 'ok'];

const plural = (n: number, one: string, many = `${one}s`) =>
  `${n} ${n === 1 ? one : many}`;

export function summaryText(counts: OverviewCounts): string {
  if (counts.problems === 0) {
    return counts.targets === 1
      ? 'The one target is healthy and in sync'
      : `All ${counts.targets} targets healthy and in sync`;
  }
  return `${plural(counts.problems, 'problem')} across ${plural(
    counts.targets,
    'target',
  )}`;
}

function breakdown(counts: OverviewCounts): string {
  return [
    counts.degraded && `${counts.degraded} degraded`,
    counts.missing && `${counts.missing} missing or not seen`,
    counts.awaitingReview && `${counts.awaitingReview} awaiting review`,
    counts.outOfSync && `${counts.outOfSync} out of sync`,
    counts.progressing && `${counts.progressing} progressing`,
    counts.stale && `${counts.stale} stale`,
  ]
    .filter(Boolean)
    .join(' · ');
}

/**
 * "3 problems across 14 targets · observed 10 s ago", with a bar of the
 * targets by state and a refresh button.
 */
export function OverviewSummary(props: {
  /** Over every matching target, not only the page shown. */
  counts: OverviewCounts;
  observedAt: string;
  now: number;
  onRefresh: () => void;
}) {
  const { counts, observedAt, now, onRefresh } = props;
  const classes = useStyles();
  const details = breakdown(counts);
  return (
    <Box className={classes.root}>
      <div className={classes.bar} aria-hidden="true">
        {ORDER.map(level =>
          counts.bySeverity[level] ? (
            <div
              key={level}
              className={classes[level]}
              style={{
                width: `${(100 * counts.bySeverity[level]) / counts.targets}%`,
              }}
            />
          ) : null,
        )}
      </div>
      <div>
        <Typography
          variant="subtitle1"
          component="p"
          data-testid="overview-summary"
        >
          {/* Announced when the counts change, not on every tick of the age. */}
          <strong role="status">{summaryText(counts)}</strong> in{' '}
          {plural(counts.services, 'service')} · observed{' '}
          <span title={observedAt}>{shortAgo(observedAt, now)}</span>
        </Typography>
        {details && (
          <Typography variant="body2" color="textSecondary">
            {details}
          </Typography>
        )}
      </div>
      <IconButton
        size="small"
        onClick={onRefresh}
        aria-label="Refresh now"
        title="Refresh now"
      >
        <RefreshIcon fontSize="small" />
      </IconButton>
    </Box>
  );
}
