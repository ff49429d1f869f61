import { ReactNode, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Paper from '@material-ui/core/Paper';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  EnvironmentMetrics,
  MetricsQuery,
} from '@shipdeck/plugin-gitops-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { gitopsApiRef } from '../../api';
import { LoadFailed } from '../LoadFailed';
import { FailureRatioBar, LeadTimeBar } from './charts';
import { METRICS_WINDOWS } from './DeploymentMetrics';
import { humanDuration, percent, perWeek, plural } from './metricsFormat';

const useStyles = makeStyles(theme => ({
  strip: {
    padding: theme.spacing(1.5, 2),
    marginTop: theme.spacing(2),
    borderTop: `4px solid ${theme.palette.primary.main}`,
  },
  header: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
  },
  value: {
    fontWeight: theme.typography.fontWeightBold as number,
  },
  bar: { maxWidth: 160 },
  // One grid per row, the same columns: a table to the eye, a list of
  // environments (each a group of four figures) to a screen reader.
  row: {
    display: 'grid',
    gridTemplateColumns: 'minmax(90px, 0.6fr) repeat(4, minmax(130px, 1fr))',
    gap: theme.spacing(2),
    alignItems: 'start',
    minWidth: 680,
    padding: theme.spacing(1, 0),
    borderBottom: `1px solid ${theme.palette.divider}`,
    '&:last-child': { borderBottom: 'none' },
  },
  labels: {
    color: theme.palette.text.secondary,
    textTransform: 'uppercase',
    fontSize: theme.typography.caption.fontSize,
    letterSpacing: 0.5,
  },
  list: { listStyle: 'none', margin: 0, padding: 0 },
}));

const COLUMNS = [
  'Deployment frequency',
  'Lead time',
  'Change failure rate',
  'Time to restore',
];

/** What the overview's filters select that the metrics can narrow by. */
export type MetricsSelection = Pick<
  MetricsQuery,
  'owner' | 'system' | 'environment'
>;

function Figure(props: {
  label: string;
  value: string;
  caption?: string;
  children?: ReactNode;
}) {
  const classes = useStyles();
  return (
    <div role="group" aria-label={props.label}>
      <Typography variant="body1" component="span" className={classes.value}>
        {props.value}
      </Typography>
      {props.caption && (
        <Typography variant="caption" color="textSecondary" component="div">
          {props.caption}
        </Typography>
      )}
      {props.children && <div className={classes.bar}>{props.children}</div>}
    </div>
  );
}

function EnvironmentRow(props: { metrics: EnvironmentMetrics }) {
  const { metrics } = props;
  const classes = useStyles();
  const { environment, leadTime, changeFailureRate, timeToRestore } = metrics;
  const outside = metrics.outsideSyncs
    ? `, ${metrics.outsideSyncs} outside Shipdeck`
    : '';
  return (
    <li className={classes.row} aria-label={environment}>
      <Typography variant="subtitle2" component="h3">
        {environment}
      </Typography>
      <Figure
        label="Deployment frequency"
        value={`${perWeek(metrics.deploymentsPerWeek)} / week`}
        caption={`${plural(metrics.deployments, 'deployment')}${outside}`}
      />
      <Figure
        label="Lead time"
        value={humanDuration(leadTime?.medianSeconds)}
        caption={
          leadTime
            ? `median; p90 ${humanDuration(leadTime.p90Seconds)}`
            : 'no samples'
        }
      >
        {leadTime && <LeadTimeBar environment={environment} {...leadTime} />}
      </Figure>
      <Figure
        label="Change failure rate"
        value={changeFailureRate ? percent(changeFailureRate.rate) : '—'}
        caption={
          changeFailureRate
            ? `${changeFailureRate.failed} of ${changeFailureRate.total} failed`
            : 'no samples'
        }
      >
        {changeFailureRate && (
          <FailureRatioBar environment={environment} {...changeFailureRate} />
        )}
      </Figure>
      <Figure
        label="Time to restore"
        value={humanDuration(timeToRestore?.medianSeconds)}
        caption={
          timeToRestore
            ? `median, ${plural(timeToRestore.samples, 'incident')}`
            : 'no incidents'
        }
      />
    </li>
  );
}

/**
 * The four delivery metrics per environment over every service the Shipdeck
 * page's filters select (owner, system, environment), from `GET /metrics`:
 * the same definitions as an entity's Metrics tab, one row per environment.
 */
export function DeliveryMetricsStrip(props: {
  selection: MetricsSelection;
  /** Pipeline order of the environments; others follow. */
  environments?: string[];
}) {
  const { selection, environments = [] } = props;
  const classes = useStyles();
  const api = useApi(gitopsApiRef);
  const [days, setDays] = useState(30);
  const { owner, system, environment } = selection;
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getMetrics({ owner, system, environment, days }),
    [api, owner, system, environment, days],
  );
  const rank = (name: string) => {
    const index = environments.indexOf(name);
    return index === -1 ? environments.length : index;
  };
  const rows = [...(value?.environments ?? [])].sort(
    (a, b) => rank(a.environment) - rank(b.environment),
  );

  return (
    <Paper
      variant="outlined"
      component="section"
      aria-label="Delivery metrics of the selected services"
      aria-busy={loading}
      className={classes.strip}
    >
      <div className={classes.header}>
        <Typography variant="h6" component="h2">
          Delivery metrics
        </Typography>
        <TextField
          select
          label="Window"
          size="small"
          value={String(days)}
          onChange={e => setDays(Number(e.target.value))}
          SelectProps={{ native: true }}
          InputLabelProps={{ shrink: true }}
          id="gitops-overview-metrics-window"
        >
          {METRICS_WINDOWS.map(n => (
            <option key={n} value={n}>
              Last {n} days
            </option>
          ))}
        </TextField>
        {value && (
          <Typography variant="body2" color="textSecondary">
            {plural(value.entities ?? 0, 'service')}
            {owner || system ? ' selected by the filters' : ''}; the same
            figures as each service's Metrics tab
          </Typography>
        )}
      </div>
      {loading && value && <LinearProgress aria-label="Updating metrics" />}
      {error && (
        <LoadFailed
          dense
          title="Could not load the delivery metrics"
          error={error}
          onRetry={retry}
        />
      )}
      {!value && loading && <LinearProgress aria-label="Loading metrics" />}
      {value && (
        <Box overflow="auto">
          <div className={`${classes.row} ${classes.labels}`} aria-hidden>
            <span>Environment</span>
            {COLUMNS.map(column => (
              <span key={column}>{column}</span>
            ))}
          </div>
          <ul
            className={classes.list}
            aria-label="Delivery metrics per environment"
          >
            {rows.map(metrics => (
              <EnvironmentRow key={metrics.environment} metrics={metrics} />
            ))}
          </ul>
        </Box>
      )}
    </Paper>
  );
}
