import { useMemo, useRef } from 'react';
import { EmptyState, Progress, WarningPanel } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import { OverviewSummary } from './OverviewSummary';
import { OverviewFilter, OverviewRow } from '@shipdeck/plugin-gitops-common';
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
  rows: OverviewRow[] | undefined,
  filter: OverviewFilter,
  environments: string[],
): FilterOptions {
  const seen = useRef({
    owners: new Set<string>(),
    systems: new Set<string>(),
  });
  return useMemo(() => {
    for (const row of rows ?? []) {
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
  }, [rows, filter.owner, filter.system, filter.environment, environments]);
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
  const { data, current, loading, error, retry } = useOverview(
    filter,
    pollIntervalMs,
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
  const options = useFilterOptions(
    rows,
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
          rows={data.rows}
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
