import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';

/**
 * Reads an entity with the caller's credentials, so the catalog's read
 * permission decides: an entity the caller may not see is a 404, like one
 * that does not exist.
 */
export async function readEntity(
  catalog: CatalogService,
  ref: CompoundEntityRef,
  options: { credentials: BackstageCredentials },
): Promise<Entity> {
  const entity = await catalog.getEntityByRef(ref, options);
  if (!entity) {
    throw new NotFoundError(
      `No entity ${stringifyEntityRef(ref)} in the catalog`,
    );
  }
  return entity;
}

/** Who a request acts for, as recorded in commits, records and idempotency keys. */
export function actorOf(
  auth: AuthService,
  credentials: BackstageCredentials,
): string {
  if (auth.isPrincipal(credentials, 'user')) {
    return credentials.principal.userEntityRef;
  }
  if (auth.isPrincipal(credentials, 'service')) {
    return credentials.principal.subject;
  }
  return 'unknown';
}
