import { CompoundEntityRef, parseEntityRef } from '@backstage/catalog-model';

/**
 * The REST path of an entity, `/entities/{namespace}/{kind}/{name}`, with
 * each part encoded; kind is lower-cased the way catalog refs are compared.
 *
 * @public
 */
export function entityPath(ref: string | CompoundEntityRef): string {
  const { kind, namespace, name } =
    typeof ref === 'string' ? parseEntityRef(ref) : ref;
  return `/entities/${[namespace, kind.toLocaleLowerCase('en-US'), name]
    .map(encodeURIComponent)
    .join('/')}`;
}
