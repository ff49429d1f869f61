import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { SourceChangesResponse } from '@shipdeck/plugin-gitops-common';

/** What changed in a service's source between two of its versions. */
export interface SourceChangesService {
  /**
   * The source commits between `from` (what runs) and `to` (what a deploy
   * or promotion brings). A read of the entity: the caller must be able to
   * read it in the catalog.
   */
  getSourceChanges(
    entityRef: CompoundEntityRef,
    versions: { from: string; to: string },
    options: { credentials: BackstageCredentials },
  ): Promise<SourceChangesResponse>;
}
