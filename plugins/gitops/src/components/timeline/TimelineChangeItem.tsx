import { useState } from 'react';
import { Link } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { makeStyles, Theme } from '@material-ui/core/styles';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import ErrorIcon from '@material-ui/icons/Error';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import HourglassEmptyIcon from '@material-ui/icons/HourglassEmpty';
import RemoveCircleOutlineIcon from '@material-ui/icons/RemoveCircleOutline';
import SyncIcon from '@material-ui/icons/Sync';
import SyncProblemIcon from '@material-ui/icons/SyncProblem';
import WarningIcon from '@material-ui/icons/Warning';
import { TimelineChange } from '@shipdeck/plugin-gitops-common';
import { actorName } from '../format';
import { humanDuration } from '../metrics/metricsFormat';
import { PullRequestState } from '../PullRequestState';
import { TimelineEventItem } from './TimelineEventItem';
import {
  CHANGE_KIND_LABELS,
  outcomeOf,
  timeOfDay,
  Tone,
} from './timelineFormat';

function toneColor(theme: Theme, tone: Tone): string {
  return tone === 'neutral'
    ? theme.palette.text.secondary
    : theme.palette[tone].main;
}

const useStyles = makeStyles<Theme, { tone: Tone }>(theme => ({
  item: ({ tone }) => ({
    display: 'flex',
    gap: theme.spacing(2),
    padding: theme.spacing(1.5, 1.5, 1.5, 1),
    borderBottom: `1px solid ${theme.palette.divider}`,
    borderLeft: `4px solid ${toneColor(theme, tone)}`,
    '&:last-child': { borderBottom: 'none' },
  }),
  icon: ({ tone }) => ({
    flexShrink: 0,
    width: 32,
    height: 32,
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    color: toneColor(theme, tone),
  }),
  body: { flex: 1, minWidth: 0 },
  headline: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1),
  },
  summary: { fontWeight: theme.typography.fontWeightMedium as number },
  outcome: ({ tone }) => ({
    color: toneColor(theme, tone),
    borderColor: toneColor(theme, tone),
    fontWeight: theme.typography.fontWeightMedium as number,
  }),
  meta: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0.5, 1.5),
    color: theme.palette.text.secondary,
  },
  mono: { fontFamily: 'monospace' },
  links: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(2),
    marginTop: theme.spacing(0.5),
  },
  events: {
    listStyle: 'none',
    margin: theme.spacing(1, 0, 0),
    padding: theme.spacing(0, 0, 0, 2),
    borderLeft: `2px solid ${theme.palette.divider}`,
  },
  steps: {
    margin: theme.spacing(1, 0, 0),
    color: theme.palette.text.secondary,
  },
  expandIcon: { transition: theme.transitions.create('transform') },
  expanded: { transform: 'rotate(180deg)' },
}));

/** The icon says how it went; the kind is in words next to the time. */
function OutcomeIcon(props: { change: TimelineChange }) {
  const { change } = props;
  switch (change.outcome) {
    case 'healthy':
      return <CheckCircleIcon />;
    case 'failed':
      return change.kind === 'sync' ? <SyncProblemIcon /> : <ErrorIcon />;
    case 'degraded':
    case 'ongoing':
      return <ErrorIcon />;
    case 'restored':
    case 'out-of-sync':
      return <WarningIcon />;
    case 'in-progress':
      return <SyncIcon />;
    case 'waiting':
      return <HourglassEmptyIcon />;
    default:
      return <RemoveCircleOutlineIcon />;
  }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What the outcome chip says: an incident says how long it lasted. */
function outcomeText(change: TimelineChange): string {
  const { label } = outcomeOf(change);
  if (change.outcome === 'restored' && change.durationSeconds !== undefined) {
    return `${label} after ${humanDuration(change.durationSeconds)}`;
  }
  return label;
}

/**
 * One change of the timeline: what happened and how it went at a glance
 * (icon, colour and label from its outcome), who and which versions, links;
 * its Argo CD events (and a deployment's steps) fold out below, in order.
 */
export function TimelineChangeItem(props: { change: TimelineChange }) {
  const { change } = props;
  const { tone } = outcomeOf(change);
  const classes = useStyles({ tone });
  const [expanded, setExpanded] = useState(false);
  const date = new Date(change.at);
  const eventsId = `timeline-change-${change.id.replace(/[^\w-]/g, '-')}`;
  const versions =
    change.fromVersion || change.toVersion
      ? [change.fromVersion, change.toVersion].filter(Boolean).join(' → ')
      : undefined;
  const foldable = change.events.length > 0 || (change.steps?.length ?? 0) > 0;

  return (
    <li
      className={classes.item}
      data-testid="timeline-change"
      data-change-id={change.id}
      aria-label={`${change.summary}: ${outcomeText(change)}`}
    >
      <div className={classes.icon} aria-hidden>
        <OutcomeIcon change={change} />
      </div>
      <div className={classes.body}>
        <div className={classes.headline}>
          <Typography
            variant="body1"
            component="span"
            className={classes.summary}
          >
            {change.summary}
          </Typography>
          <Chip size="small" variant="outlined" label={change.environment} />
          <Chip
            size="small"
            variant="outlined"
            className={classes.outcome}
            label={outcomeText(change)}
          />
        </div>
        <Typography variant="body2" component="div" className={classes.meta}>
          <time dateTime={change.at} title={date.toLocaleString()}>
            {timeOfDay(date)}
          </time>
          <span>{CHANGE_KIND_LABELS[change.kind] ?? change.kind}</span>
          {change.actor && <span>by {actorName(change.actor)}</span>}
          {versions && (
            <span className={classes.mono} aria-label={`version ${versions}`}>
              {versions}
            </span>
          )}
          {change.revision && (
            <span className={classes.mono} title={change.revision}>
              {change.revision.slice(0, 7)}
            </span>
          )}
        </Typography>
        {(change.links.length > 0 || change.pullRequest || foldable) && (
          <div className={classes.links}>
            {change.links.map(link => (
              <Typography variant="body2" component="span" key={link.url}>
                <Link to={link.url}>{link.title}</Link>
              </Typography>
            ))}
            {change.pullRequest && (
              <Typography variant="body2" component="span">
                <PullRequestState pullRequest={change.pullRequest} />
              </Typography>
            )}
            {foldable && (
              <Button
                size="small"
                aria-expanded={expanded}
                aria-controls={eventsId}
                onClick={() => setExpanded(e => !e)}
                endIcon={
                  <ExpandMoreIcon
                    className={`${classes.expandIcon} ${
                      expanded ? classes.expanded : ''
                    }`}
                  />
                }
                style={{ padding: 0, minWidth: 0 }}
              >
                {change.events.length
                  ? plural(change.events.length, 'Argo CD event')
                  : 'Steps'}
              </Button>
            )}
          </div>
        )}
        {foldable && (
          <Box id={eventsId} hidden={!expanded}>
            {expanded && change.steps && change.steps.length > 0 && (
              <Typography
                variant="body2"
                component="p"
                className={classes.steps}
              >
                Shipdeck:{' '}
                {change.steps
                  .map(
                    step =>
                      `${step.name} ${timeOfDay(new Date(step.at))}${
                        step.message ? ` (${step.message})` : ''
                      }`,
                  )
                  .join(' → ')}
              </Typography>
            )}
            {expanded && change.events.length > 0 && (
              <ol
                className={classes.events}
                aria-label={`Argo CD events of ${change.summary}`}
              >
                {change.events.map(event => (
                  <TimelineEventItem key={event.id} event={event} dense />
                ))}
              </ol>
            )}
          </Box>
        )}
      </div>
    </li>
  );
}
