import { useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { useSignal } from '@backstage/plugin-signals-react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  EntityEnvironmentsResponse,
  GITOPS_SIGNAL_CHANNEL,
  GitopsSignal,
} from '@shipdeck/plugin-gitops-common';
import { gitopsApiRef } from '../../api';

/** How often to look again when signals cannot tell us. */
export const POLL_INTERVAL_MS = 15_000;
/** How often to look while something is moving (a sync, a deployment). */
export const BUSY_POLL_INTERVAL_MS = 3_000;

const IN_FLIGHT = new Set(['pending', 'committed', 'syncing']);

/** True while an environment has a deployment or an Argo CD operation under way. */
export function isBusy(value?: EntityEnvironmentsResponse): boolean {
  return Boolean(
    value?.environments.some(
      e =>
        (e.lastDeployment && IN_FLIGHT.has(e.lastDeployment.status)) ||
        e.status?.operation?.phase === 'Running' ||
        e.status?.health === 'Progressing',
    ),
  );
}

/**
 * True while an environment has no Argo CD status yet: its Application has
 * not appeared (a template just published it, or a pull request adds it).
 * Nothing signals an Application's arrival, so such a page keeps looking.
 */
export function isAwaitingApplication(
  value?: EntityEnvironmentsResponse,
): boolean {
  return Boolean(value?.environments.some(e => !e.status));
}

/**
 * True while what an environment shows is not Argo CD's word yet: its
 * instance could not be read lately (stale), or its health is Unknown (as
 * after a look while Argo CD was down). Argo CD coming back signals nothing
 * for a service Shipdeck has not deployed, so such a page keeps looking.
 */
export function isAwaitingArgoCd(value?: EntityEnvironmentsResponse): boolean {
  return Boolean(
    value?.environments.some(
      e => e.status && (e.status.stale || e.status.health === 'Unknown'),
    ),
  );
}

/**
 * What, in an answer, is worth telling the views below about: deployments
 * and what Argo CD reports, not the observation time.
 */
export function fingerprint(value: EntityEnvironmentsResponse): string {
  return JSON.stringify(
    value.environments.map(e => [
      e.lastDeployment?.id,
      e.lastDeployment?.status,
      e.lastDeployment?.steps.length,
      e.status?.version,
      e.status?.revision,
      e.status?.health,
      e.status?.sync,
      e.status?.operation?.phase,
      e.status?.rollout?.health,
    ]),
  );
}

/**
 * The current entity's environments, kept live: refetched on every Shipdeck
 * signal about the entity, polled when signals are unavailable, an
 * Application has not appeared yet or Argo CD's word is not in, and polled faster while something is moving (signals only say that *a* record
 * changed; Argo CD's own progress has no signal).
 *
 * `version` counts the answers that changed something, so views below
 * (timeline, metrics) reload only then.
 */
export function useEntityEnvironments() {
  const { entity } = useEntity();
  const api = useApi(gitopsApiRef);
  const entityRef = stringifyEntityRef(entity);
  const [version, setVersion] = useState(0);
  const last = useRef<string>();
  const state = useAsyncRetry(async () => {
    const value = await api.getEntityEnvironments(entityRef);
    const print = fingerprint(value);
    if (print !== last.current) {
      last.current = print;
      setVersion(v => v + 1);
    }
    return value;
  }, [api, entityRef]);
  const { lastSignal, isSignalsAvailable } = useSignal<GitopsSignal>(
    GITOPS_SIGNAL_CHANNEL,
  );
  const { retry } = state;

  useEffect(() => {
    if (lastSignal?.entityRef === entityRef) retry();
    // Only a new signal should refetch, not a new retry function.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lastSignal]);

  const busy = isBusy(state.value);
  const awaiting =
    isAwaitingApplication(state.value) || isAwaitingArgoCd(state.value);
  useEffect(() => {
    if (isSignalsAvailable && !busy && !awaiting) return undefined;
    const timer = setInterval(
      retry,
      busy ? BUSY_POLL_INTERVAL_MS : POLL_INTERVAL_MS,
    );
    return () => clearInterval(timer);
  }, [isSignalsAvailable, busy, awaiting, retry]);

  return {
    ...state,
    entityRef,
    version,
    live: isSignalsAvailable ? ('signals' as const) : ('polling' as const),
    lastSignal,
  };
}
