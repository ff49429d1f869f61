import { useState } from 'react';
import { Link } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { makeStyles, Theme } from '@material-ui/core/styles';
import CloudUploadIcon from '@material-ui/icons/CloudUpload';
import CloudDoneIcon from '@material-ui/icons/CloudDone';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import FavoriteIcon from '@material-ui/icons/Favorite';
import SyncIcon from '@material-ui/icons/Sync';
import SyncAltIcon from '@material-ui/icons/SyncAlt';
import SyncProblemIcon from '@material-ui/icons/SyncProblem';
import { TimelineEvent } from '@shipdeck/plugin-gitops-common';
import { actorName } from '../format';
import { HookList } from '../HookList';
import { PullRequestState } from '../PullRequestState';
import {
  hooksOf,
  inlineMessageOf,
  KIND_LABELS,
  remainingDetails,
  timeOfDay,
  Tone,
  toneOf,
} from './timelineFormat';

function toneColor(theme: Theme, tone: Tone): string {
  return tone === 'neutral'
    ? theme.palette.text.secondary
    : theme.palette[tone].main;
}

const useStyles = makeStyles<Theme, { tone: Tone }>(theme => ({
  item: {
    display: 'flex',
    gap: theme.spacing(2),
    padding: theme.spacing(1.5, 0),
    borderBottom: `1px solid ${theme.palette.divider}`,
    '&:last-child': { borderBottom: 'none' },
  },
  icon: ({ tone }) => ({
    flexShrink: 0,
    width: 32,
    height: 32,
    borderRadius: '50%',
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    color: toneColor(theme, tone),
    border: `2px solid ${toneColor(theme, tone)}`,
  }),
  body: {
    flex: 1,
    minWidth: 0,
  },
  dense: {
    padding: theme.spacing(0.75, 0),
    '& $icon': { width: 24, height: 24, borderWidth: 1 },
    '& $summary': { fontWeight: theme.typography.fontWeightRegular as number },
  },
  headline: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1),
  },
  summary: {
    fontWeight: theme.typography.fontWeightMedium as number,
  },
  meta: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0.5, 1.5),
    color: theme.palette.text.secondary,
  },
  mono: {
    fontFamily: 'monospace',
  },
  links: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    marginTop: theme.spacing(0.5),
  },
  details: {
    margin: theme.spacing(1, 0, 0),
    padding: theme.spacing(1, 2),
    borderLeft: `2px solid ${theme.palette.divider}`,
    '& dt': {
      color: theme.palette.text.secondary,
      fontSize: theme.typography.caption.fontSize,
      textTransform: 'uppercase',
      letterSpacing: 0.5,
      marginTop: theme.spacing(1),
    },
    '& dd': {
      margin: 0,
      wordBreak: 'break-word',
    },
  },
  expandIcon: {
    transition: theme.transitions.create('transform'),
  },
  expanded: {
    transform: 'rotate(180deg)',
  },
}));

function KindIcon(props: { event: TimelineEvent; tone: Tone }) {
  switch (props.event.kind) {
    case 'deployment':
      return <CloudUploadIcon fontSize="small" />;
    case 'deployed':
      return <CloudDoneIcon fontSize="small" />;
    case 'operation':
    case 'operation-started':
      return props.tone === 'error' ? (
        <SyncProblemIcon fontSize="small" />
      ) : (
        <SyncIcon fontSize="small" />
      );
    case 'health':
      return <FavoriteIcon fontSize="small" />;
    default:
      return <SyncAltIcon fontSize="small" />;
  }
}

function isStep(
  value: unknown,
): value is { name: string; at?: string; message?: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { name?: unknown }).name === 'string'
  );
}

function formatInstant(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/** One detail value: steps and name/value lists as lists, the rest as text. */
function DetailValue(props: { value: unknown }) {
  const { value } = props;
  if (Array.isArray(value) && value.every(isStep)) {
    return (
      <Box component="ul" m={0} pl={2}>
        {value.map((step, index) => {
          const extra =
            'value' in step ? String((step as { value: unknown }).value) : '';
          return (
            <li key={`${step.name}-${index}`}>
              {step.name}
              {extra ? `: ${extra}` : ''}
              {step.at ? ` at ${formatInstant(step.at)}` : ''}
              {step.message ? ` – ${step.message}` : ''}
            </li>
          );
        })}
      </Box>
    );
  }
  if (typeof value === 'string') {
    return /^\d{4}-\d\d-\d\dT/.test(value) ? (
      <time dateTime={value}>{formatInstant(value)}</time>
    ) : (
      <span style={{ fontFamily: 'monospace' }}>{value}</span>
    );
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return <span>{String(value)}</span>;
  }
  return (
    <Box component="pre" m={0} fontFamily="monospace" whiteSpace="pre-wrap">
      {JSON.stringify(value, null, 2)}
    </Box>
  );
}

/**
 * One event of the timeline; `dense` inside a change, which already names
 * the environment.
 */
export function TimelineEventItem(props: {
  event: TimelineEvent;
  dense?: boolean;
}) {
  const { event, dense } = props;
  const tone = toneOf(event);
  const classes = useStyles({ tone });
  const [expanded, setExpanded] = useState(false);
  const date = new Date(event.at);
  const hooks = hooksOf(event);
  const message = inlineMessageOf(event);
  const details = remainingDetails(event);
  const detailsId = `timeline-details-${event.id.replace(/[^\w-]/g, '-')}`;
  // Inside a change, which links to Argo CD once for all its events.
  const links = dense ? [] : event.links;
  const versions =
    event.fromVersion || event.toVersion
      ? [event.fromVersion, event.toVersion].filter(Boolean).join(' → ')
      : undefined;

  return (
    <li
      className={`${classes.item} ${dense ? classes.dense : ''}`}
      data-testid="timeline-event"
    >
      <div className={classes.icon} title={KIND_LABELS[event.kind]} aria-hidden>
        <KindIcon event={event} tone={tone} />
      </div>
      <div className={classes.body}>
        <div className={classes.headline}>
          <Typography
            variant="body1"
            component="span"
            className={classes.summary}
          >
            {event.summary}
          </Typography>
          {!dense && (
            <Chip size="small" variant="outlined" label={event.environment} />
          )}
        </div>
        <Typography variant="body2" component="div" className={classes.meta}>
          <time dateTime={event.at} title={date.toLocaleString()}>
            {timeOfDay(date)}
          </time>
          <span>{KIND_LABELS[event.kind]}</span>
          {event.actor && <span>by {actorName(event.actor)}</span>}
          {versions && (
            <span className={classes.mono} aria-label={`version ${versions}`}>
              {versions}
            </span>
          )}
          {event.revision && (
            <span className={classes.mono} title={event.revision}>
              {event.revision.slice(0, 7)}
            </span>
          )}
        </Typography>
        {message && (
          <Typography variant="body2" color="textSecondary">
            {message}
          </Typography>
        )}
        <HookList hooks={hooks} />
        {(links.length > 0 || details.length > 0) && (
          <div className={classes.links}>
            {links.map(link => (
              <Typography variant="body2" component="span" key={link.url}>
                <Link to={link.url}>{link.title}</Link>
              </Typography>
            ))}
            {event.pullRequest && (
              <Typography variant="body2" component="span">
                <PullRequestState pullRequest={event.pullRequest} />
              </Typography>
            )}
            {details.length > 0 && (
              <Button
                size="small"
                aria-expanded={expanded}
                aria-controls={detailsId}
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
                Details
              </Button>
            )}
          </div>
        )}
        {details.length > 0 && (
          <Box
            component="dl"
            id={detailsId}
            className={classes.details}
            hidden={!expanded}
          >
            {expanded &&
              details.map(d => (
                <div key={d.key}>
                  <dt>{d.label}</dt>
                  <dd>
                    <DetailValue value={d.value} />
                  </dd>
                </div>
              ))}
          </Box>
        )}
      </div>
    </li>
  );
}
