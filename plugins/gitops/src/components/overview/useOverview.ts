import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import {
  Environment,
  OverviewFilter,
  OverviewResponse,
} from '@shipdeck/plugin-gitops-common';
import { gitopsApiRef } from '../../api';

export interface OverviewState {
  /** The last answer, kept while a refresh or a new filter loads. */
  data?: OverviewResponse;
  /** True when `data` answers the current filter (not a previous one). */
  current: boolean;
  loading: boolean;
  /** The last request's failure; cleared by the next success. */
  error?: Error;
  retry: () => void;
}

function toError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

/**
 * Loads one page of the overview for a filter and keeps it fresh: every
 * `pollIntervalMs` while the tab is visible, and whenever the window regains
 * focus. A failed refresh keeps the last good answer on screen; answers to
 * superseded requests are dropped. `offset` counts services; the first page
 * is asked for without paging, so the backend picks its size.
 */
export function useOverview(
  filter: OverviewFilter,
  pollIntervalMs: number,
  offset = 0,
): OverviewState {
  const api = useApi(gitopsApiRef);
  const key = JSON.stringify({ filter, offset });
  const [state, setState] = useState<{
    data?: OverviewResponse;
    dataKey?: string;
    loading: boolean;
    error?: Error;
    errorKey?: string;
  }>({ loading: true });
  const latest = useRef(0);
  const inFlight = useRef(false);

  const load = useCallback(async () => {
    const id = ++latest.current;
    inFlight.current = true;
    // A new filter's first request drops the previous filter's error;
    // a refresh keeps it on screen until it succeeds.
    setState(s => ({
      ...s,
      loading: true,
      error: s.errorKey === key ? s.error : undefined,
    }));
    try {
      const asked = JSON.parse(key);
      const data = asked.offset
        ? await api.getOverview(asked.filter, { offset: asked.offset })
        : await api.getOverview(asked.filter);
      if (id === latest.current) {
        setState({ data, dataKey: key, loading: false });
      }
    } catch (e) {
      if (id === latest.current) {
        setState(s => ({
          ...s,
          loading: false,
          error: toError(e),
          errorKey: key,
        }));
      }
    } finally {
      if (id === latest.current) inFlight.current = false;
    }
  }, [api, key]);

  useEffect(() => {
    const generation = latest;
    const busy = inFlight;
    load();
    return () => {
      // Answers arriving after unmount or a filter change are ignored.
      generation.current++;
      busy.current = false;
    };
  }, [load]);

  useEffect(() => {
    const refresh = () => {
      if (!inFlight.current && document.visibilityState !== 'hidden') {
        load();
      }
    };
    const timer = setInterval(refresh, pollIntervalMs);
    window.addEventListener('focus', refresh);
    return () => {
      clearInterval(timer);
      window.removeEventListener('focus', refresh);
    };
  }, [load, pollIntervalMs]);

  const retry = useCallback(() => {
    setState(s => ({ ...s, error: undefined, errorKey: undefined }));
    load();
  }, [load]);

  return {
    data: state.data,
    current: state.dataKey === key,
    loading: state.loading,
    error: state.errorKey === key ? state.error : undefined,
    retry,
  };
}

/**
 * The configured environments, in promotion order; the matrix's columns.
 * A failure here is not fatal: the columns then come from the rows.
 */
export function useConfiguredEnvironments(): Environment[] | undefined {
  const api = useApi(gitopsApiRef);
  const [environments, setEnvironments] = useState<Environment[]>();
  useEffect(() => {
    let cancelled = false;
    api.getConfiguredEnvironments().then(
      value => {
        if (!cancelled) setEnvironments(value);
      },
      () => {
        if (!cancelled) setEnvironments([]);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [api]);
  return environments;
}
