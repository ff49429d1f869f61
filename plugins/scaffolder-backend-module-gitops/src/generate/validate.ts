import { InputError } from '@backstage/errors';
import { posix } from 'node:path';

/*
 * Checks on single input values. Each throws an InputError that starts with
 * the input field, so the template author sees which parameter to fix.
 */

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * A name Kubernetes accepts for every object generated from it. Services
 * need an RFC 1035 label (starting with a letter), the strictest of them.
 */
export function checkDnsLabel(value: string, field: string): string {
  if (value.length > 63) {
    throw new InputError(
      `${field}: "${value}" is ${value.length} characters long; Kubernetes names are at most 63`,
    );
  }
  if (!DNS_LABEL.test(value)) {
    throw new InputError(
      `${field}: "${value}" is not a valid name; use lowercase letters, digits and "-", starting with a letter and ending with a letter or digit (RFC 1035 label)`,
    );
  }
  return value;
}

const DOMAIN =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** The first segment is a registry host when Docker would read it as one. */
function isRegistryHost(segment: string): boolean {
  return (
    segment.includes('.') || segment.includes(':') || segment === 'localhost'
  );
}

/** Splits `host[:port]/path:tag@digest` the way Docker does. */
function splitReference(value: string) {
  const at = value.indexOf('@');
  const name = at === -1 ? value : value.slice(0, at);
  const digest = at === -1 ? undefined : value.slice(at + 1);
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  // A colon before the last slash is a registry port, not a tag.
  const tag = colon > slash ? name.slice(colon + 1) : undefined;
  const repository = colon > slash ? name.slice(0, colon) : name;
  return { repository, tag, digest };
}

function checkRepositoryName(repository: string, value: string, field: string) {
  const segments = repository.split('/');
  const host =
    segments.length > 1 && isRegistryHost(segments[0])
      ? segments.shift()
      : undefined;
  if (host !== undefined && !DOMAIN.test(host)) {
    throw new InputError(
      `${field}: "${value}" has an invalid registry host "${host}"`,
    );
  }
  const bad = segments.find(segment => !PATH_COMPONENT.test(segment));
  if (bad !== undefined) {
    throw new InputError(
      `${field}: "${value}" is not a valid image repository: "${bad}" must be lowercase letters and digits, separated by ".", "_", "__" or "-"`,
    );
  }
}

/**
 * An image repository without tag or digest. The version is a separate
 * input because the overlay's `images:` entry keeps them apart, and that
 * entry is what a deployment edits.
 */
export function checkImageRepository(value: string, field: string): string {
  const { repository, tag, digest } = splitReference(value);
  if (tag !== undefined || digest !== undefined) {
    throw new InputError(
      `${field}: "${value}" has a ${
        digest !== undefined ? 'digest' : 'tag'
      }; expected an image repository without tag or digest, e.g. registry.shop.example/shop/cart (the tag goes in version)`,
    );
  }
  checkRepositoryName(repository, value, field);
  return value;
}

/** A full image reference with a pinned tag or digest. */
export function checkPinnedImage(value: string, field: string): string {
  const { repository, tag, digest } = splitReference(value);
  checkRepositoryName(repository, value, field);
  if (tag === undefined && digest === undefined) {
    throw new InputError(
      `${field}: "${value}" has no tag or digest; pin one (e.g. ${value}:2.14.0) so the image does not change under a running Job`,
    );
  }
  if (tag !== undefined) checkImageTag(tag, field);
  if (digest !== undefined && !DIGEST.test(digest)) {
    throw new InputError(
      `${field}: "${value}" has an invalid digest; expected sha256: and 64 lowercase hex characters`,
    );
  }
  return value;
}

export function checkImageTag(value: string, field: string): string {
  if (!TAG.test(value)) {
    throw new InputError(
      `${field}: "${value}" is not a valid image tag; expected 1 to 128 letters, digits, "_", "." or "-", not starting with "." or "-"`,
    );
  }
  return value;
}

const QUANTITY =
  /^(\d+(?:\.\d+)?|\.\d+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+)?$/;
const SUFFIX: Record<string, number> = {
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** The value of a Kubernetes quantity (`100m`, `128Mi`, `1e3`). */
export function parseQuantity(value: string, field: string): number {
  const match = QUANTITY.exec(value);
  if (!match) {
    throw new InputError(
      `${field}: "${value}" is not a Kubernetes quantity, e.g. 100m, 0.5, 128Mi or 1Gi`,
    );
  }
  const [, number, suffix] = match;
  const factor = !suffix ? 1 : SUFFIX[suffix] ?? 10 ** Number(suffix.slice(1));
  return Number(number) * factor;
}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

export function checkEnvName(name: string, field: string): string {
  if (!ENV_NAME.test(name)) {
    throw new InputError(
      `${field}: "${name}" is not a valid environment variable name; use letters, digits, "_", "-" and ".", not starting with a digit`,
    );
  }
  return name;
}

/**
 * Fills `{service}` and `{env}` into a template. Other placeholders are
 * refused: they would otherwise land verbatim in a name or path.
 */
export function fillTemplate(
  template: string,
  values: { service: string; env?: string },
  field: string,
): string {
  return template.replace(/\{([^}]*)\}/g, (match, key: string) => {
    if (key === 'service') return values.service;
    if (key === 'env' && values.env !== undefined) return values.env;
    throw new InputError(
      `${field}: "${template}" has the placeholder ${match}; use ${
        values.env === undefined ? '{service}' : '{service} and {env}'
      }`,
    );
  });
}

/**
 * Fills a path template. The result stays inside the target folder:
 * absolute paths and `..` are refused.
 */
export function renderPathTemplate(
  template: string,
  values: { service: string; env?: string },
  field: string,
): string {
  const rendered = fillTemplate(template, values, field);
  if (
    rendered.startsWith('/') ||
    rendered.includes('\\') ||
    /^[a-zA-Z]:/.test(rendered)
  ) {
    throw new InputError(
      `${field}: "${template}" must be a relative path with "/" separators`,
    );
  }
  if (rendered.split('/').includes('..')) {
    throw new InputError(
      `${field}: "${template}" must not contain "..": files stay inside targetPath`,
    );
  }
  // Git's own folder is no place for manifests; the backend refuses to
  // publish there too.
  if (rendered.split('/').includes('.git')) {
    throw new InputError(`${field}: "${template}" must not name a .git folder`);
  }
  const normalized = posix.normalize(rendered).replace(/\/+$/, '');
  return normalized === '.' ? '' : normalized;
}

/** A name from a template, e.g. a namespace `{service}-{env}`. */
export function renderName(
  template: string,
  values: { service: string; env?: string },
  field: string,
): string {
  return checkDnsLabel(fillTemplate(template, values, field), field);
}

const LABEL_KEY =
  /^(?:[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

export function checkLabelKey(value: string, field: string): string {
  if (!LABEL_KEY.test(value) || value.length > 316) {
    throw new InputError(
      `${field}: "${value}" is not a Kubernetes label key, e.g. shipdeck.io/environment`,
    );
  }
  return value;
}
