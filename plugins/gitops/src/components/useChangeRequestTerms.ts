import { useApiHolder } from '@backstage/core-plugin-api';
import {
  ChangeRequestTerms,
  changeRequestTerms,
} from '@shipdeck/plugin-gitops-common';
import useAsync from 'react-use/esm/useAsync';
import { gitopsApiRef } from '../api';

/**
 * The words for the manifest repository's change requests: "merge request"
 * when it is on GitLab, "pull request" otherwise (and until the backend has
 * said where it is, or where no gitops API is at hand).
 */
export function useChangeRequestTerms(): ChangeRequestTerms {
  const api = useApiHolder().get(gitopsApiRef);
  const { value } = useAsync(
    async () =>
      // Test doubles of the API may leave it out.
      typeof api?.getManifestRepository === 'function'
        ? api.getManifestRepository()
        : undefined,
    [api],
  );
  return changeRequestTerms(value?.provider);
}
