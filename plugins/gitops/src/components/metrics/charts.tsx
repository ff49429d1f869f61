import { useTheme } from '@material-ui/core/styles';
import { EnvironmentMetrics } from '@shipdeck/plugin-gitops-common';
import { humanDuration, percent, plural } from './metricsFormat';

const BAR = 6;
const GAP = 2;
const HEIGHT = 48;

/**
 * Deployments per day over the window, failures stacked at the bottom in the
 * theme's error colour.
 */
export function DailyDeploymentsChart(props: {
  environment: string;
  days: number;
  daily: EnvironmentMetrics['daily'];
  deployments: number;
}) {
  const { environment, days, daily, deployments } = props;
  const theme = useTheme();
  const failed = daily.reduce((sum, d) => sum + d.failures, 0);
  const max = Math.max(1, ...daily.map(d => d.deployments));
  const width = Math.max(1, daily.length) * (BAR + GAP) - GAP;
  const label = `${environment}: ${plural(
    deployments,
    'deployment',
  )} in ${days} days, ${failed} failed`;
  return (
    <svg
      role="img"
      aria-label={label}
      viewBox={`0 0 ${width} ${HEIGHT + 1}`}
      preserveAspectRatio="none"
      width="100%"
      height={HEIGHT}
      style={{ display: 'block' }}
    >
      <line
        x1={0}
        x2={width}
        y1={HEIGHT + 0.5}
        y2={HEIGHT + 0.5}
        stroke={theme.palette.divider}
        strokeWidth={1}
      />
      {daily.map((day, index) => {
        const x = index * (BAR + GAP);
        const failures = Math.min(day.failures, day.deployments);
        const failHeight = (failures / max) * HEIGHT;
        const okHeight = ((day.deployments - failures) / max) * HEIGHT;
        return (
          <g key={day.date} data-testid={`day-${day.date}`}>
            <title>
              {`${day.date}: ${plural(day.deployments, 'deployment')}${
                failures ? `, ${failures} failed` : ''
              }`}
            </title>
            {/* A full-height transparent target so the tooltip shows on empty days. */}
            <rect x={x} y={0} width={BAR} height={HEIGHT} fill="transparent" />
            {okHeight > 0 && (
              <rect
                x={x}
                y={HEIGHT - failHeight - okHeight}
                width={BAR}
                height={okHeight}
                fill={theme.palette.primary.main}
              />
            )}
            {failHeight > 0 && (
              <rect
                x={x}
                y={HEIGHT - failHeight}
                width={BAR}
                height={failHeight}
                fill={theme.palette.error.main}
              />
            )}
          </g>
        );
      })}
    </svg>
  );
}

/** A track with a filled share of it: the shape both small bars share. */
function ShareBar(props: {
  label: string;
  /** 0..1 of the track. */
  share: number;
  color: string;
  /** Percent of the track drawn even for a tiny share; 0 draws nothing. */
  minWidth?: number;
}) {
  const theme = useTheme();
  const width = Math.max(0, Math.min(1, props.share)) * 100;
  const drawn = props.minWidth ? Math.max(props.minWidth, width) : width;
  return (
    <svg
      role="img"
      aria-label={props.label}
      viewBox="0 0 100 8"
      preserveAspectRatio="none"
      width="100%"
      height={8}
      style={{ display: 'block' }}
    >
      <rect
        x={0}
        y={0}
        width={100}
        height={8}
        rx={4}
        fill={theme.palette.action.selected}
      />
      {drawn > 0 && (
        <rect x={0} y={0} width={drawn} height={8} rx={4} fill={props.color} />
      )}
    </svg>
  );
}

/** The share of failed deployments as a filled bar. */
export function FailureRatioBar(props: {
  environment: string;
  failed: number;
  total: number;
  rate: number;
}) {
  const { environment, failed, total, rate } = props;
  const theme = useTheme();
  return (
    <ShareBar
      label={`${environment} change failure rate: ${percent(
        rate,
      )}, ${failed} of ${plural(total, 'deployment')} failed`}
      share={rate}
      color={theme.palette.error.main}
    />
  );
}

/** Median against p90 of the lead time: the bar is the median, the track p90. */
export function LeadTimeBar(props: {
  environment: string;
  medianSeconds: number;
  p90Seconds: number;
  samples: number;
}) {
  const { environment, medianSeconds, p90Seconds, samples } = props;
  const theme = useTheme();
  return (
    <ShareBar
      label={`${environment} lead time: median ${humanDuration(
        medianSeconds,
      )}, p90 ${humanDuration(p90Seconds)}, ${plural(samples, 'sample')}`}
      share={p90Seconds > 0 ? medianSeconds / p90Seconds : 1}
      color={theme.palette.primary.main}
      minWidth={2}
    />
  );
}
