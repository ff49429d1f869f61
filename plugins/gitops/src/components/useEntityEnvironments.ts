import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import useAsync from 'react-use/esm/useAsync';
import { gitopsApiRef } from '../api';

/** Loads the current entity's environments from the gitops backend. */
export function useEntityEnvironments() {
  const { entity } = useEntity();
  const api = useApi(gitopsApiRef);
  const ref = getCompoundEntityRef(entity);
  return useAsync(
    () => api.getEntityEnvironments(ref),
    [api, ref.kind, ref.namespace, ref.name],
  );
}
