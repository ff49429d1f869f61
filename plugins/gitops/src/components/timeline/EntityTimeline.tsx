import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { EmptyState, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import CircularProgress from '@material-ui/core/CircularProgress';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import CheckIcon from '@material-ui/icons/Check';
import {
  TimelineChange,
  TimelineChangeKind,
  TimelineChangesQuery,
} from '@shipdeck/plugin-gitops-common';
import { gitopsApiRef } from '../../api';
import { LoadFailed } from '../LoadFailed';
import { TimelineChangeItem } from './TimelineChangeItem';
import { CHANGE_FILTERS, groupByDay } from './timelineFormat';

/** Changes per page. */
export const TIMELINE_PAGE_SIZE = 25;

const useStyles = makeStyles(theme => ({
  filters: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  },
  chips: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
  },
  day: {
    marginTop: theme.spacing(2),
    paddingBottom: theme.spacing(0.5),
    borderBottom: `1px solid ${theme.palette.divider}`,
    color: theme.palette.text.secondary,
  },
  list: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
  },
  footer: {
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    gap: theme.spacing(1),
    padding: theme.spacing(2, 0),
  },
}));

type State =
  | { phase: 'loading' }
  | { phase: 'error'; error: Error }
  | {
      phase: 'ready';
      changes: TimelineChange[];
      nextBefore?: string;
      /** The first page is being reloaded (refresh) while these stay shown. */
      refreshing: boolean;
      refreshError?: Error;
      loadingMore: boolean;
      moreError?: Error;
    };

function toError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

function appendUnique(
  changes: TimelineChange[],
  older: TimelineChange[],
): TimelineChange[] {
  const seen = new Set(changes.map(c => c.id));
  return [...changes, ...older.filter(c => !seen.has(c.id))];
}

/**
 * An entity's timeline of changes: Shipdeck deployments, Argo CD syncs that
 * did not come from Shipdeck, health incidents, each one entry with its Argo
 * CD events folded inside; newest first, grouped by day, filterable by
 * environment and kind of change, paged with `before`. A new `refreshToken`
 * reloads the first page.
 */
export function EntityTimeline(props: {
  entityRef: string;
  environments: string[];
  refreshToken?: number;
}) {
  const { entityRef, environments, refreshToken } = props;
  const classes = useStyles();
  const api = useApi(gitopsApiRef);

  const [environment, setEnvironment] = useState('');
  const [typeFilters, setTypeFilters] = useState<TimelineChangeKind[]>([]);
  const [retryCount, setRetryCount] = useState(0);
  const [state, setState] = useState<State>({ phase: 'loading' });

  // In the filters' order, however they were picked.
  const kindsKey = CHANGE_FILTERS.filter(f => typeFilters.includes(f.id))
    .map(f => f.id)
    .join(',');
  const filterKey = `${entityRef}|${environment}|${kindsKey}`;
  const query = useMemo((): TimelineChangesQuery => {
    const q: TimelineChangesQuery = { limit: TIMELINE_PAGE_SIZE };
    if (environment) q.environment = environment;
    if (kindsKey) q.kinds = kindsKey.split(',') as TimelineChangeKind[];
    return q;
  }, [environment, kindsKey]);

  // Responses of an older generation (filters or refresh since) are dropped.
  const generation = useRef(0);
  const loadedKey = useRef<string | undefined>(undefined);
  const loadingMore = useRef(false);

  useEffect(() => {
    const current = ++generation.current;
    loadingMore.current = false;
    const sameView = loadedKey.current === filterKey;
    setState(prev =>
      sameView && prev.phase === 'ready'
        ? {
            ...prev,
            refreshing: true,
            refreshError: undefined,
            loadingMore: false,
          }
        : { phase: 'loading' },
    );
    api.getTimelineChanges(entityRef, query).then(
      response => {
        if (current !== generation.current) return;
        loadedKey.current = filterKey;
        setState({
          phase: 'ready',
          changes: response.changes,
          nextBefore: response.nextBefore,
          refreshing: false,
          loadingMore: false,
        });
      },
      e => {
        if (current !== generation.current) return;
        const error = toError(e);
        setState(prev =>
          sameView && prev.phase === 'ready'
            ? { ...prev, refreshing: false, refreshError: error }
            : { phase: 'error', error },
        );
        if (!sameView) loadedKey.current = undefined;
      },
    );
  }, [api, entityRef, query, filterKey, refreshToken, retryCount]);

  const nextBefore = state.phase === 'ready' ? state.nextBefore : undefined;

  const loadMore = useCallback(() => {
    if (!nextBefore || loadingMore.current) return;
    loadingMore.current = true;
    const current = generation.current;
    setState(prev =>
      prev.phase === 'ready'
        ? { ...prev, loadingMore: true, moreError: undefined }
        : prev,
    );
    api.getTimelineChanges(entityRef, { ...query, before: nextBefore }).then(
      response => {
        if (current !== generation.current) return;
        loadingMore.current = false;
        setState(prev =>
          prev.phase === 'ready'
            ? {
                ...prev,
                changes: appendUnique(prev.changes, response.changes),
                nextBefore: response.nextBefore,
                loadingMore: false,
              }
            : prev,
        );
      },
      e => {
        if (current !== generation.current) return;
        loadingMore.current = false;
        setState(prev =>
          prev.phase === 'ready'
            ? { ...prev, loadingMore: false, moreError: toError(e) }
            : prev,
        );
      },
    );
  }, [api, entityRef, query, nextBefore]);

  // Load older events when the bottom of the list scrolls into view.
  const sentinel = useRef<HTMLDivElement>(null);
  const latestLoadMore = useRef(loadMore);
  useEffect(() => {
    latestLoadMore.current = loadMore;
  }, [loadMore]);
  const eventCount = state.phase === 'ready' ? state.changes.length : 0;
  const autoLoad =
    state.phase === 'ready' && !!state.nextBefore && !state.moreError;
  useEffect(() => {
    const element = sentinel.current;
    if (!autoLoad || !element || typeof IntersectionObserver === 'undefined') {
      return undefined;
    }
    const observer = new IntersectionObserver(
      entries => {
        if (entries.some(entry => entry.isIntersecting)) {
          latestLoadMore.current();
        }
      },
      { rootMargin: '200px' },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [autoLoad, eventCount]);

  const filtered = environment !== '' || typeFilters.length > 0;
  const toggleType = (id: TimelineChangeKind) =>
    setTypeFilters(prev =>
      prev.includes(id) ? prev.filter(t => t !== id) : [...prev, id],
    );
  const clearFilters = () => {
    setEnvironment('');
    setTypeFilters([]);
  };

  const filters = (
    <div className={classes.filters}>
      <TextField
        select
        label="Environment"
        size="small"
        variant="outlined"
        value={environment}
        onChange={e => setEnvironment(e.target.value)}
        SelectProps={{ native: true }}
        InputLabelProps={{ shrink: true }}
        id="gitops-timeline-environment"
      >
        <option value="">All environments</option>
        {environments.map(name => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </TextField>
      <div role="group" aria-label="Kinds of change" className={classes.chips}>
        {CHANGE_FILTERS.map(filter => {
          const selected = typeFilters.includes(filter.id);
          return (
            <Chip
              key={filter.id}
              label={filter.label}
              clickable
              color={selected ? 'primary' : 'default'}
              variant={selected ? 'default' : 'outlined'}
              icon={selected ? <CheckIcon /> : undefined}
              onClick={() => toggleType(filter.id)}
              aria-pressed={selected}
            />
          );
        })}
      </div>
      {typeFilters.length === 0 && (
        <Typography variant="caption" color="textSecondary">
          Every kind of change shown; pick some to narrow down.
        </Typography>
      )}
    </div>
  );

  let body: JSX.Element;
  if (state.phase === 'loading') {
    body = <Progress />;
  } else if (state.phase === 'error') {
    body = (
      <LoadFailed
        title="Could not load the timeline"
        error={state.error}
        onRetry={() => setRetryCount(n => n + 1)}
      />
    );
  } else if (state.changes.length === 0 && !state.nextBefore) {
    body = filtered ? (
      <EmptyState
        missing="data"
        title="No changes match the filters"
        description="Nothing of this environment or these kinds of change was recorded. Widen the filters to see everything."
        action={
          <Button variant="outlined" onClick={clearFilters}>
            Clear filters
          </Button>
        }
      />
    ) : (
      <EmptyState
        missing="data"
        title="No changes yet"
        description="Deployments made with Shipdeck, Argo CD syncs that did not come from Shipdeck and health incidents appear here as they happen, each with its Argo CD events."
      />
    );
  } else {
    const groups = groupByDay(state.changes);
    body = (
      <>
        {state.refreshError && (
          <LoadFailed
            dense
            title="Could not load the newest changes"
            error={state.refreshError}
            onRetry={() => setRetryCount(n => n + 1)}
          />
        )}
        {groups.map(group => (
          <section key={group.key} aria-label={group.label}>
            <Typography
              variant="subtitle2"
              component="h3"
              className={classes.day}
            >
              {group.label}
            </Typography>
            <ul className={classes.list}>
              {group.events.map(change => (
                <TimelineChangeItem key={change.id} change={change} />
              ))}
            </ul>
          </section>
        ))}
        <div ref={sentinel} />
        {state.moreError && (
          <LoadFailed
            dense
            title="Could not load older changes"
            error={state.moreError}
            onRetry={loadMore}
          />
        )}
        <div className={classes.footer}>
          {state.nextBefore ? (
            <>
              {!state.moreError && (
                <Button
                  variant="outlined"
                  onClick={loadMore}
                  disabled={state.loadingMore}
                >
                  Load older changes
                </Button>
              )}
              {state.loadingMore && (
                <CircularProgress
                  size={20}
                  aria-label="Loading older changes"
                />
              )}
            </>
          ) : (
            <Typography variant="body2" color="textSecondary" role="status">
              Nothing older: this is the first recorded change
              {filtered ? ' matching the filters' : ''}.
            </Typography>
          )}
        </div>
      </>
    );
  }

  return (
    <Box
      component="section"
      aria-label="Timeline"
      aria-busy={
        state.phase === 'loading' ||
        (state.phase === 'ready' && state.refreshing)
      }
    >
      {filters}
      {body}
    </Box>
  );
}
