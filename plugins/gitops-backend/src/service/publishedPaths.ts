import { InputError } from '@backstage/errors';

const SEGMENT = /^[A-Za-z0-9_@+=,-][A-Za-z0-9._@+=,-]*$/;

/**
 * Checks a path a template asks to write: relative, no `..`, no hidden
 * segments (so never `.git`), plain characters, and inside the service's
 * own folders. A path counts as the service's when one of its folders is
 * named after the service, or its file is (`argocd/dev/cart.yaml`,
 * `charts/cart-values.yaml`), so a template for one service cannot add
 * files to another's.
 */
export function checkPublishedPath(
  path: string,
  service: string,
  field: string,
): void {
  if (path.length === 0 || path.length > 512) {
    throw new InputError(`${field} must be 1-512 characters`);
  }
  const segments = path.split('/');
  const bad = segments.find(s => !SEGMENT.test(s));
  if (bad !== undefined) {
    throw new InputError(
      `${field} '${path}' is not a plain relative path: '${bad}' is not allowed (no empty, '.', '..' or hidden segments, no backslashes)`,
    );
  }
  const folders = segments.slice(0, -1);
  const file = segments[segments.length - 1];
  const ours =
    folders.includes(service) ||
    file.startsWith(`${service}.`) ||
    file.startsWith(`${service}-`);
  if (!ours) {
    throw new InputError(
      `${field} '${path}' is outside ${service}'s files: it needs a folder named ${service} or a file named ${service}.* or ${service}-*`,
    );
  }
}
