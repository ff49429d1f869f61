import { useCallback } from 'react';
import { parseEntityRef } from '@backstage/catalog-model';
import { useRouteRef } from '@backstage/core-plugin-api';
import {
  entityRouteParams,
  entityRouteRef,
  humanizeEntityRef,
} from '@backstage/plugin-catalog-react';

/**
 * Links to an entity's page and its Deployments tab, through the catalog's
 * entity route so the app decides where entity pages live.
 */
export function useEntityLinks() {
  const entityRoute = useRouteRef(entityRouteRef);
  const entityPage = useCallback(
    (entityRef: string) =>
      entityRoute(entityRouteParams(parseEntityRef(entityRef))),
    [entityRoute],
  );
  const deploymentsTab = useCallback(
    (entityRef: string) => `${entityPage(entityRef)}/deployments`,
    [entityPage],
  );
  return { entityPage, deploymentsTab };
}

/** "group:default/team-shop" → "team-shop"; other namespaces stay visible. */
export function displayRef(ref: string, defaultKind: string): string {
  try {
    return humanizeEntityRef(
      parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' }),
      { defaultKind },
    );
  } catch {
    return ref;
  }
}
