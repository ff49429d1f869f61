import { parseEntityRef } from '@backstage/catalog-model';
import { InputError, toError } from '@backstage/errors';

const SEGMENT = /^[A-Za-z0-9._~-][A-Za-z0-9._~:-]*$/;

/** The entity of an `/entities/:namespace/:kind/:name/...` path. */
export function parseEntityParams(params: Record<string, string>) {
  for (const key of ['namespace', 'kind', 'name']) {
    if (!SEGMENT.test(params[key] ?? '')) {
      throw new InputError(
        `Invalid entity ${key} '${params[key]}' in the path`,
      );
    }
  }
  return { namespace: params.namespace, kind: params.kind, name: params.name };
}

/** An entity ref from a query parameter; kind and namespace default like the catalog's. */
export function parseEntityQuery(value: string) {
  try {
    return parseEntityRef(value, {
      defaultKind: 'component',
      defaultNamespace: 'default',
    });
  } catch (error) {
    throw new InputError(
      `Invalid request query: entity: ${toError(error).message}`,
    );
  }
}

/**
 * Rules across fields, which the spec states in words: the validator has
 * checked each field already.
 */
export function requireExactlyOne<T extends object>(
  body: T,
  a: keyof T & string,
  b: keyof T & string,
): T {
  if (Boolean(body[a]) === Boolean(body[b])) {
    throw new InputError(
      `Invalid request body: give exactly one of ${a} or ${b}`,
    );
  }
  return body;
}

/** A commit named in a body: the full lower-case SHA, as Git prints it. */
export function requireFullCommitSha<T extends { commit?: string }>(
  body: T,
): T {
  if (body.commit !== undefined && !/^[0-9a-f]{40}$/.test(body.commit)) {
    throw new InputError(
      'Invalid request body: commit: must be the full 40-character commit SHA',
    );
  }
  return body;
}

/** A body without the dry-run flag, which is the router's business. */
export function withoutDryRun<T extends { dryRun?: boolean }>(
  body: T,
): Omit<T, 'dryRun'> {
  const { dryRun: _dryRun, ...rest } = body;
  return rest;
}
