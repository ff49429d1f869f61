import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { OverviewFilter } from '@shipdeck/plugin-gitops-common';

/** The search parameters the page keeps its filters in: the API's names. */
export const FILTER_PARAMS = [
  'owner',
  'system',
  'environment',
  'status',
  'changedWithinHours',
] as const;

export type FilterParam = (typeof FILTER_PARAMS)[number];

/** Reads the filters from search parameters, ignoring values the API would reject. */
export function filterFromParams(params: URLSearchParams): OverviewFilter {
  const filter: OverviewFilter = {};
  for (const key of ['owner', 'system', 'environment'] as const) {
    const value = params.get(key);
    if (value) filter[key] = value;
  }
  const status = params.get('status');
  if (
    status === 'problems' ||
    status === 'healthy' ||
    status === 'behind' ||
    status === 'drifted'
  ) {
    filter.status = status;
  }
  const hours = Number(params.get('changedWithinHours') ?? '');
  if (params.get('changedWithinHours') && Number.isFinite(hours) && hours > 0) {
    filter.changedWithinHours = hours;
  }
  return filter;
}

export function hasActiveFilters(filter: OverviewFilter): boolean {
  return Object.keys(filter).length > 0;
}

/**
 * The overview's filters, kept in the URL so a filtered view can be shared;
 * unrelated search parameters are left alone.
 */
export function useOverviewFilters() {
  const [params, setParams] = useSearchParams();
  const search = params.toString();
  const filter = useMemo(
    () => filterFromParams(new URLSearchParams(search)),
    [search],
  );

  const setFilter = useCallback(
    (key: FilterParam, value: string | undefined) => {
      setParams(
        current => {
          const next = new URLSearchParams(current);
          if (value) next.set(key, value);
          else next.delete(key);
          return next;
        },
        { replace: true },
      );
    },
    [setParams],
  );

  const clearFilters = useCallback(() => {
    setParams(
      current => {
        const next = new URLSearchParams(current);
        FILTER_PARAMS.forEach(key => next.delete(key));
        return next;
      },
      { replace: true },
    );
  }, [setParams]);

  return { filter, setFilter, clearFilters };
}
