import { ReactNode, useState } from 'react';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Paper from '@material-ui/core/Paper';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { EnvironmentMetrics } from '@shipdeck/plugin-gitops-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { gitopsApiRef } from '../../api';
import { LoadFailed } from '../LoadFailed';
import { DailyDeploymentsChart, FailureRatioBar, LeadTimeBar } from './charts';
import { humanDuration, percent, perWeek, plural } from './metricsFormat';

/** The windows offered, in days. */
export const METRICS_WINDOWS = [7, 30, 90];

const useStyles = makeStyles(theme => ({
  empty: { padding: theme.spacing(2) },
  toolbar: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  },
  cards: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(300px, 1fr))',
    gap: theme.spacing(2),
  },
  card: {
    padding: theme.spacing(2),
    borderTop: `4px solid ${theme.palette.primary.main}`,
  },
  tiles: {
    display: 'grid',
    gridTemplateColumns: 'repeat(3, minmax(0, 1fr))',
    gap: theme.spacing(1.5),
    marginTop: theme.spacing(2),
  },
  tileLabel: {
    color: theme.palette.text.secondary,
    textTransform: 'uppercase',
    fontSize: theme.typography.caption.fontSize,
    letterSpacing: 0.5,
    lineHeight: 1.3,
  },
  big: {
    fontWeight: theme.typography.fontWeightBold as number,
    lineHeight: 1.2,
    margin: theme.spacing(0.5, 0),
  },
}));

function Tile(props: {
  label: string;
  value: string;
  caption: string;
  visual?: ReactNode;
}) {
  const classes = useStyles();
  return (
    <div role="group" aria-label={props.label}>
      <Typography className={classes.tileLabel} component="p">
        {props.label}
      </Typography>
      <Typography variant="h6" component="p" className={classes.big}>
        {props.value}
      </Typography>
      {props.visual}
      <Typography variant="caption" color="textSecondary" component="p">
        {props.caption}
      </Typography>
    </div>
  );
}

function EnvironmentCard(props: { metrics: EnvironmentMetrics; days: number }) {
  const { metrics, days } = props;
  const classes = useStyles();
  const { environment, leadTime, changeFailureRate, timeToRestore } = metrics;
  const failed = metrics.daily.reduce((sum, d) => sum + d.failures, 0);
  return (
    <Paper
      variant="outlined"
      component="section"
      className={classes.card}
      aria-label={`Metrics for ${environment}`}
    >
      <Box display="flex" alignItems="baseline" justifyContent="space-between">
        <Typography variant="h6" component="h3">
          {environment}
        </Typography>
        <Typography variant="body2" color="textSecondary">
          {perWeek(metrics.deploymentsPerWeek)} per week
        </Typography>
      </Box>
      <Typography className={classes.tileLabel} component="p">
        Deployment frequency
      </Typography>
      <Typography variant="h6" component="p" className={classes.big}>
        {plural(metrics.deployments, 'deployment')}
        {failed > 0 && (
          <Typography variant="body2" component="span" color="error">
            {' '}
            ({failed} failed)
          </Typography>
        )}
      </Typography>
      <DailyDeploymentsChart
        environment={environment}
        days={days}
        daily={metrics.daily}
        deployments={metrics.deployments}
      />
      <div className={classes.tiles}>
        <Tile
          label="Lead time"
          value={humanDuration(leadTime?.medianSeconds)}
          caption={
            leadTime
              ? `median; p90 ${humanDuration(leadTime.p90Seconds)}, ${plural(
                  leadTime.samples,
                  'sample',
                )}`
              : 'no samples'
          }
          visual={
            leadTime && (
              <LeadTimeBar
                environment={environment}
                medianSeconds={leadTime.medianSeconds}
                p90Seconds={leadTime.p90Seconds}
                samples={leadTime.samples}
              />
            )
          }
        />
        <Tile
          label="Change failure rate"
          value={changeFailureRate ? percent(changeFailureRate.rate) : '—'}
          caption={
            changeFailureRate
              ? `${changeFailureRate.failed} of ${changeFailureRate.total} failed`
              : 'no samples'
          }
          visual={
            changeFailureRate && (
              <FailureRatioBar
                environment={environment}
                failed={changeFailureRate.failed}
                total={changeFailureRate.total}
                rate={changeFailureRate.rate}
              />
            )
          }
        />
        <Tile
          label="Time to restore"
          value={humanDuration(timeToRestore?.medianSeconds)}
          caption={
            timeToRestore
              ? `median, ${plural(timeToRestore.samples, 'sample')}`
              : 'no samples'
          }
        />
      </div>
    </Paper>
  );
}

/** The environments of the response in pipeline order, unknown ones last. */
function ordered(
  metrics: EnvironmentMetrics[],
  environments: string[],
): EnvironmentMetrics[] {
  const rank = (name: string) => {
    const index = environments.indexOf(name);
    return index === -1 ? environments.length : index;
  };
  return [...metrics].sort((a, b) => rank(a.environment) - rank(b.environment));
}

/**
 * Delivery metrics of an entity per environment: deployment frequency as a
 * daily bar chart, lead time, change failure rate and time to restore.
 */
export function DeploymentMetrics(props: {
  entityRef: string;
  environments: string[];
  refreshToken?: number;
  days?: number;
}) {
  const { entityRef, environments, refreshToken } = props;
  const classes = useStyles();
  const api = useApi(gitopsApiRef);
  const [days, setDays] = useState(props.days ?? 30);
  const windows = METRICS_WINDOWS.includes(days)
    ? METRICS_WINDOWS
    : [...METRICS_WINDOWS, days].sort((a, b) => a - b);

  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getMetrics({ entity: entityRef, days }),
    [api, entityRef, days, refreshToken],
  );

  const toolbar = (
    <div className={classes.toolbar}>
      <Typography variant="h6" component="h2">
        Delivery metrics
      </Typography>
      <TextField
        select
        label="Window"
        size="small"
        variant="outlined"
        value={String(days)}
        onChange={e => setDays(Number(e.target.value))}
        SelectProps={{ native: true }}
        InputLabelProps={{ shrink: true }}
        id="gitops-metrics-window"
      >
        {windows.map(n => (
          <option key={n} value={n}>
            Last {n} days
          </option>
        ))}
      </TextField>
    </div>
  );

  let body: JSX.Element;
  if (loading && !value) {
    body = <Progress />;
  } else if (error || !value) {
    body = (
      <LoadFailed
        title="Could not load the delivery metrics"
        error={error ?? new Error('No answer from the gitops backend')}
        onRetry={retry}
      />
    );
  } else {
    const total = value.environments.reduce((sum, e) => sum + e.deployments, 0);
    body = (
      <>
        {loading && <LinearProgress aria-label="Updating metrics" />}
        {total === 0 ? (
          <Paper variant="outlined" className={classes.empty}>
            <Typography variant="subtitle1" component="p">
              No deployments in the last {value.days} days
            </Typography>
            <Typography variant="body2" color="textSecondary">
              Deployments made with Shipdeck appear here as charts of frequency,
              lead time, change failure rate and time to restore. Pick a longer
              window to look further back.
            </Typography>
          </Paper>
        ) : (
          <div className={classes.cards}>
            {ordered(value.environments, environments).map(metrics => (
              <EnvironmentCard
                key={metrics.environment}
                metrics={metrics}
                days={value.days}
              />
            ))}
          </div>
        )}
      </>
    );
  }

  return (
    <Box component="section" aria-label="Delivery metrics" aria-busy={loading}>
      {toolbar}
      {body}
    </Box>
  );
}
