import { posix } from 'node:path';
import { InputError } from '@backstage/errors';

/**
 * Fills `{env}` and `{service}` into a path template and returns a clean,
 * repo-relative path. Anything that would leave the repository (absolute
 * paths, `..` segments, unknown placeholders) is an InputError, because the
 * result is later used to write files.
 */
export function renderManifestPath(
  template: string,
  values: { env: string; service: string },
): string {
  const rendered = template.replace(/\{(\w+)\}/g, (match, key: string) => {
    if (key === 'env' || key === 'service') {
      return values[key];
    }
    throw new InputError(
      `Manifest path template '${template}' has unknown placeholder ${match}; use {env} and {service}`,
    );
  });
  if (rendered.startsWith('/') || rendered.includes('\\')) {
    throw new InputError(
      `Manifest path '${rendered}' must be relative to the repository root`,
    );
  }
  const normalized = posix.normalize(rendered).replace(/\/+$/, '');
  if (
    normalized === '..' ||
    normalized.startsWith('../') ||
    rendered.split('/').includes('..')
  ) {
    throw new InputError(`Manifest path '${rendered}' escapes the repository`);
  }
  return normalized === '.' ? '' : normalized;
}
