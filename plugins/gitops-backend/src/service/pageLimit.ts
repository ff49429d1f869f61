import { InputError } from '@backstage/errors';

/**
 * A page size as asked for, or `fallback`. Query validation coerces
 * `limit=1e400` to Infinity, which a database ignores as a limit (every
 * row); a page is a whole number from 1 to `max` or the request is refused.
 */
export function pageLimit(
  limit: number | string | undefined,
  fallback: number,
  max = 200,
): number {
  if (limit === undefined) return fallback;
  const value = Number(limit);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new InputError(
      `Invalid request query: limit: must be a whole number from 1 to ${max}`,
    );
  }
  return value;
}

/** Rows to skip, or 0: a whole number from 0 up, else the request is refused. */
export function pageOffset(offset: number | string | undefined): number {
  if (offset === undefined) return 0;
  const value = Number(offset);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InputError(
      'Invalid request query: offset: must be a whole number from 0 up',
    );
  }
  return value;
}
