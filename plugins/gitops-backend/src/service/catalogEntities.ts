import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  Entity,
  parseEntityRef,
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

/**
 * The components the caller may read, narrowed the way the Shipdeck page's
 * filters narrow: by system (a catalog filter) and by owner (the `ownedBy`
 * relation, so `team-a`, `group:team-a` and `group:default/team-a` agree).
 */
export async function readComponents(
  catalog: CatalogService,
  selection: { owner?: string; system?: string },
  options: { credentials: BackstageCredentials },
): Promise<Entity[]> {
  const filter: Record<string, string> = { kind: 'component' };
  if (selection.system) filter['spec.system'] = selection.system;
  const { items } = await catalog.getEntities({ filter }, options);
  if (!selection.owner) return items;
  const owner = stringifyEntityRef(
    parseEntityRef(selection.owner, {
      defaultKind: 'group',
      defaultNamespace: 'default',
    }),
  );
  return items.filter(e => ownersOf(e).includes(owner));
}

/** The `ownedBy` relations, or `spec.owner` before the catalog made them. */
function ownersOf(entity: Entity): string[] {
  const related = (entity.relations ?? [])
    .filter(r => r.type === 'ownedBy')
    .map(r => r.targetRef);
  if (related.length || typeof entity.spec?.owner !== 'string') return related;
  return [
    stringifyEntityRef(
      parseEntityRef(entity.spec.owner, {
        defaultKind: 'group',
        defaultNamespace: entity.metadata.namespace ?? 'default',
      }),
    ),
  ];
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
