import { InputError } from '@backstage/errors';

/** An image reference split into its parts, as written (not normalised). */
export interface ImageRef {
  registry?: string;
  repository: string;
  tag?: string;
  digest?: string;
}

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const DOCKER_HUB = new Set([
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
]);

/**
 * Where the name of an image reference ends and its version (`:tag`,
 * `@digest` or `:tag@digest`) begins. A `:` only starts a tag after the last
 * `/`, because before it the colon is a registry port (`localhost:5000/x`).
 */
export function versionStart(ref: string): number {
  const at = ref.indexOf('@');
  const name = at === -1 ? ref : ref.slice(0, at);
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/')) {
    return colon;
  }
  return at === -1 ? ref.length : at;
}

/** The image name without its tag or digest, exactly as written. */
export function imageName(ref: string): string {
  return ref.slice(0, versionStart(ref));
}

export function parseImageRef(ref: string): ImageRef {
  const trimmed = ref.trim();
  const at = trimmed.indexOf('@');
  const digest = at === -1 ? undefined : trimmed.slice(at + 1);
  const start = versionStart(trimmed);
  const name = trimmed.slice(0, start);
  const tag =
    start < trimmed.length && trimmed[start] === ':'
      ? trimmed.slice(start + 1, at === -1 ? undefined : at)
      : undefined;

  const slash = name.indexOf('/');
  const first = slash === -1 ? undefined : name.slice(0, slash);
  const hasRegistry =
    first !== undefined &&
    (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = hasRegistry ? first : undefined;
  const repository = hasRegistry ? name.slice(slash + 1) : name;
  if (!repository) {
    throw new InputError(`"${ref}" is not an image reference: it has no name`);
  }
  return {
    ...(registry !== undefined && { registry }),
    repository,
    ...(tag !== undefined && { tag }),
    ...(digest !== undefined && { digest }),
  };
}

function isDockerHub(registry: string | undefined): boolean {
  return registry === undefined || DOCKER_HUB.has(registry.toLowerCase());
}

// Docker Hub puts official images under `library/`, and Docker lets you leave
// both that and the host out, so `nginx`, `library/nginx` and
// `docker.io/library/nginx` are one image.
function comparableRepository(ref: ImageRef): string {
  if (isDockerHub(ref.registry)) {
    const rest = ref.repository.slice('library/'.length);
    if (ref.repository.startsWith('library/') && !rest.includes('/')) {
      return rest;
    }
  }
  return ref.repository;
}

function comparableRegistry(registry: string): string {
  const host = registry.toLowerCase();
  return DOCKER_HUB.has(host) ? 'docker.io' : host;
}

/**
 * Whether two references name the same image, ignoring tag and digest. A
 * reference without a registry host means "whichever registry", so only the
 * repositories are compared then; two different hosts never match.
 */
export function sameImage(a: string, b: string): boolean {
  let left: ImageRef;
  let right: ImageRef;
  try {
    left = parseImageRef(a);
    right = parseImageRef(b);
  } catch {
    return false;
  }
  if (
    left.registry !== undefined &&
    right.registry !== undefined &&
    comparableRegistry(left.registry) !== comparableRegistry(right.registry)
  ) {
    return false;
  }
  return comparableRepository(left) === comparableRepository(right);
}

export function isDigest(version: string): boolean {
  return DIGEST.test(version);
}

/**
 * Throws unless `version` is a Docker tag or a sha256 digest. A version with
 * a colon or `@` can only be meant as a digest, so it gets the digest message.
 */
export function validateVersion(version: string, file?: string): void {
  const where = file ? `${file}: ` : '';
  if (/[:@]/.test(version)) {
    if (!isDigest(version)) {
      throw new InputError(
        `${where}"${version}" is not a valid image digest: expected sha256: followed by 64 lowercase hex characters`,
      );
    }
    return;
  }
  if (!TAG.test(version)) {
    throw new InputError(
      `${where}"${version}" is not a valid image tag: expected 1 to 128 letters, digits, "_", "." or "-", not starting with "." or "-"`,
    );
  }
}

/** `name:tag` or `name@sha256:…`; any version already on `imageName` is dropped. */
export function withVersion(image: string, version: string): string {
  validateVersion(version);
  const separator = isDigest(version) ? '@' : ':';
  return `${imageName(image)}${separator}${version}`;
}

/** The tag or digest of a reference (the digest when it has both). */
export function versionOf(ref: string): string | undefined {
  const parsed = parseImageRef(ref);
  return parsed.digest ?? parsed.tag;
}
