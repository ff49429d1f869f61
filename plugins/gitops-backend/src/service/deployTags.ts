import { InputError } from '@backstage/errors';

/** A deploy tag, `<product>/<env>/<YYYY>/<MM>/<DD>/<HHmm>-<name>[-<svc>,<svc>…]`. */
export interface DeployTag {
  product: string;
  environment: string;
  /** When the release was cut, from the tag (UTC). */
  at: string;
  /** Release name, e.g. `spring-sale`. */
  name: string;
  /** The listed services, or undefined for every service of the product. */
  services?: string[];
}

const FORMAT = '<product>/<env>/<YYYY>/<MM>/<DD>/<HHmm>-<name>[-<svc>,<svc>…]';
const SLUG = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

function malformed(tag: string, why: string): never {
  throw new InputError(
    `Malformed deploy tag '${tag}': ${why}. Expected ${FORMAT}`,
  );
}

/**
 * Parses a deploy tag. The service list is told apart from the release name
 * by the services the product actually has: the longest dash-separated
 * suffix whose comma-separated items are all known services is the list.
 */
export function parseDeployTag(
  tag: string,
  knownServices: (product: string) => string[],
): DeployTag {
  const parts = tag.split('/');
  if (parts.length !== 6) {
    malformed(tag, `it has ${parts.length} '/'-separated parts, not 6`);
  }
  const [product, environment, year, month, day, rest] = parts;
  if (!SLUG.test(product))
    malformed(tag, `product '${product}' is not a valid name`);
  if (!SLUG.test(environment))
    malformed(tag, `environment '${environment}' is not a valid name`);
  if (!/^\d{4}$/.test(year) || !/^\d{2}$/.test(month) || !/^\d{2}$/.test(day)) {
    malformed(tag, `date '${year}/${month}/${day}' is not YYYY/MM/DD`);
  }
  const match = /^(\d{2})(\d{2})-(.+)$/.exec(rest);
  if (!match) malformed(tag, `'${rest}' does not start with HHmm-`);
  const [, hours, minutes, remainder] = match;
  const at = new Date(Date.UTC(+year, +month - 1, +day, +hours, +minutes));
  if (
    at.getUTCFullYear() !== +year ||
    at.getUTCMonth() !== +month - 1 ||
    at.getUTCDate() !== +day ||
    at.getUTCHours() !== +hours ||
    at.getUTCMinutes() !== +minutes
  ) {
    malformed(
      tag,
      `${year}-${month}-${day} ${hours}:${minutes} is not a real date and time`,
    );
  }

  const known = new Set(knownServices(product));
  let name = remainder;
  let services: string[] | undefined;
  for (
    let i = remainder.indexOf('-');
    i > 0;
    i = remainder.indexOf('-', i + 1)
  ) {
    const items = remainder.slice(i + 1).split(',');
    if (items.length && items.every(s => known.has(s))) {
      name = remainder.slice(0, i);
      services = items;
      break;
    }
  }
  if (!services && remainder.includes(',')) {
    malformed(
      tag,
      `'${remainder}' lists services that ${product} does not have (it has ${
        [...known].sort().join(', ') || 'none'
      })`,
    );
  }
  if (!SLUG.test(name))
    malformed(tag, `release name '${name}' is not a valid name`);
  return {
    product,
    environment,
    at: at.toISOString(),
    name,
    ...(services ? { services } : {}),
  };
}
