import { useEffect, useMemo, useRef, useState } from 'react';
import { EmptyState, Progress, WarningPanel } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import TablePagination from '@material-ui/core/TablePagination';
import { OverviewSummary } from './OverviewSummary';
import {
  countOverviewRows,
  OverviewFilter,
  OverviewResponse,
} from '@shipdeck/plugin-gitops-common';
import { FilterOptions, OverviewFilters } from './OverviewFilters';
import { OverviewMatrix } from './OverviewMatrix';
import { environmentColumns, groupByService } from './matrix';
import { shortAgo, useNow } from './time';
import { MissingGitopsSetup } from '../MissingGitopsSetup';
import { LoadFailed } from '../LoadFailed';
import { useConfiguredEnvironments, useOverview } from './useOverview';
import { hasActiveFilters, useOverviewFilters } from './useOverviewFilters';
import { DeliveryMetricsStrip } from '../metrics/DeliveryMetricsStrip';

/** How often the page asks the backend again, so on-call sees changes. */
export const OVERVIEW_POLL_INTERVAL_MS = 15_000;

/**
 * Owners and systems seen in this session's answers: a filtered answer only
 * holds the chosen owner, and the select should still offer the others.
 */
function useFilterOptions(
  data: OverviewResponse | undefined,
  filter: OverviewFilter,
  environments: string[],
): FilterOptions {
  const seen = useRef({
    owners: new Set<string>(),
    systems: new Set<string>(),
  });
  return useMemo(() => {
    // The backend names every owner and system (facets); rows cover older backends.
    for (const owner of data?.facets?.owners ?? []) {
      seen.current.owners.add(owner);
    }
    for (const system of data?.facets?.systems ?? []) {
      seen.current.systems.add(system);
    }
    for (const row of data?.rows ?? []) {
      if (row.owner) seen.current.owners.add(row.owner);
      if (row.system) seen.current.systems.add(row.system);
    }
    const owners = new Set(seen.current.owners);
    const systems = new Set(seen.current.systems);
    const envs = new Set(environments);
    if (filter.owner) owners.add(filter.owner);
    if (filter.system) systems.add(filter.system);
    if (filter.environment) envs.add(filter.environment);
    const sorted = (values: Set<string>) =>
      [...values].sort((a, b) => a.localeCompare(b));
    return {
      owners: sorted(owners),
      systems: sorted(systems),
      environments: [...envs],
    };
  }, [data, filter.owner, filter.system, filter.environment, environments]);
}

/**
 * The first service shown, in the answer's order. Back to the first page
 * whenever the filters change: the old offset may be past the new end.
 */
function useOffset(filter: OverviewFilter) {
  const [offset, setOffset] = useState(0);
  const key = JSON.stringify(filter);
  useEffect(() => setOffset(0), [key]);
  return [offset, setOffset] as const;
}

/** Moves between pages of services; shown only when there is more than one. */
function OverviewPager(props: {
  page: NonNullable<OverviewResponse['page']>;
  onOffset: (offset: number) => void;
}) {
  const { page, onOffset } = props;
  if (page.services <= page.limit) return null;
  return (
    <TablePagination
      component="div"
      count={page.services}
      page={Math.floor(page.offset / page.limit)}
      rowsPerPage={page.limit}
      rowsPerPageOptions={[]}
      onPageChange={(_, index) => onOffset(index * page.limit)}
      labelDisplayedRows={({ from, to, count }) =>
        `Services ${from}–${to} of ${count}`
      }
    />
  );
}

function NoManagedServices() {
  return (
    <MissingGitopsSetup
      missing="data"
      title="No services are deployed with Shipdeck yet"
      description="This page lists every Component that carries Shipdeck's annotations (or the Argo CD annotations other Backstage plugins use) and that you may see in the catalog. Annotate a service to see it here."
    />
  );
}

function NothingMatches(props: {
  filter: OverviewFilter;
  onClear: () => void;
}) {
  const { filter, onClear } = props;
  const onlyProblems =
    filter.status === 'problems' && Object.keys(filter).length === 1;
  return (
    <EmptyState
      missing="content"
      title={
        onlyProblems
          ? 'No problems: every target is healthy, in sync and freshly observed'
          : 'Nothing matches these filters'
      }
      description={
        onlyProblems
          ? undefined
          : 'No service in any environment matches every filter chosen above.'
      }
      action={
        <Button variant="contained" color="primary" onClick={onClear}>
          Clear filters
        </Button>
      }
    />
  );
}

/**
 * The Shipdeck on-call view, without page chrome: every service × environment
 * the user may see, problems first, filterable, kept fresh by polling.
 */
export function OverviewContent(props: { pollIntervalMs?: number }) {
  const { pollIntervalMs = OVERVIEW_POLL_INTERVAL_MS } = props;
  const { filter, setFilter, clearFilters } = useOverviewFilters();
  const [offset, setOffset] = useOffset(filter);
  const { data, current, loading, error, retry } = useOverview(
    filter,
    pollIntervalMs,
    offset,
  );
  const configured = useConfiguredEnvironments();
  const now = useNow(5_000);

  const rows = data?.rows;
  const allColumns = useMemo(
    () => environmentColumns(rows ?? [], configured),
    [rows, configured],
  );
  const columns = useMemo(
    () =>
      filter.environment
        ? allColumns.filter(c => c.name === filter.environment)
        : allColumns,
    [allColumns, filter.environment],
  );
  const services = useMemo(() => groupByService(rows ?? []), [rows]);
  const counts = useMemo(
    () => data?.summary ?? countOverviewRows(rows ?? []),
    [data, rows],
  );
  const options = useFilterOptions(
    data,
    filter,
    useMemo(() => allColumns.map(c => c.name), [allColumns]),
  );

  const filters = (
    <OverviewFilters
      filter={filter}
      options={options}
      onChange={setFilter}
      onClear={clearFilters}
    />
  );

  // Until an answer for the current filters arrives, show no other filters' rows.
  if (!data || !current) {
    return (
      <Box>
        {filters}
        {error ? (
          <LoadFailed
            title="Could not load the Shipdeck overview"
            error={error}
            onRetry={retry}
          />
        ) : (
          <Progress />
        )}
      </Box>
    );
  }

  let body;
  if (data.rows.length === 0) {
    body = hasActiveFilters(filter) ? (
      <NothingMatches filter={filter} onClear={clearFilters} />
    ) : (
      <NoManagedServices />
    );
  } else {
    body = (
      <>
        <OverviewSummary
          counts={counts}
          observedAt={data.observedAt}
          now={now}
          onRefresh={retry}
        />
        <OverviewMatrix
          services={services}
          columns={columns}
          now={now}
          busy={loading}
          cellsFiltered={Boolean(filter.status || filter.changedWithinHours)}
        />
        {data.page && <OverviewPager page={data.page} onOffset={setOffset} />}
        <DeliveryMetricsStrip
          selection={filter}
          environments={allColumns.map(c => c.name)}
        />
      </>
    );
  }

  return (
    <Box>
      {filters}
      {error && (
        <Box mb={2}>
          <WarningPanel
            severity="warning"
            title={`Could not refresh; showing what was observed ${shortAgo(
              data.observedAt,
              now,
            )}`}
            message={
              <>
                {error.message}{' '}
                <Button
                  variant="outlined"
                  color="primary"
                  size="small"
                  onClick={retry}
                >
                  Retry
                </Button>
              </>
            }
          />
        </Box>
      )}
      {body}
    </Box>
  );
}
