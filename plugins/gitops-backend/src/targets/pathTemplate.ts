import { posix } from 'node:path';
import { InputError } from '@backstage/errors';

/** What the placeholders of a path or image template stand for. */
export interface TemplateValues {
  /** The environment as its paths and image names spell it (its pathName). */
  env: string;
  service: string;
}

// One rule for paths and images, so `{env}` means the same in both.
function fill(template: string, values: TemplateValues, what: string) {
  return template.replace(/\{(\w+)\}/g, (match, key: string) => {
    if (key === 'env' || key === 'service') {
      return values[key];
    }
    throw new InputError(
      `${what} '${template}' has unknown placeholder ${match}; use {env} and {service}`,
    );
  });
}

/**
 * Fills `{env}` and `{service}` into a path template and returns a clean,
 * repo-relative path. Anything that would leave the repository (absolute
 * paths, `..` segments, unknown placeholders) is an InputError, because the
 * result is later used to write files.
 */
export function renderManifestPath(
  template: string,
  values: TemplateValues,
): string {
  const rendered = fill(template, values, 'Manifest path template');
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

/**
 * Fills `{env}` and `{service}` into an image name such as
 * `registry.acme.example/shop/orders-{env}`, for services whose image
 * repository differs per environment.
 */
export function renderImage(template: string, values: TemplateValues): string {
  return fill(template, values, 'Image template');
}
