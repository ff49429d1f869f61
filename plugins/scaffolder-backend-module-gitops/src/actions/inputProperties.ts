import { parseEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { z as zod } from 'zod/v3';

/**
 * Zod fragments the Shipdeck actions share, as the GitHub module's
 * inputProperties.ts does: one description per field, written once.
 */
export const entityRef = (z: typeof zod) =>
  z
    .string()
    .min(1)
    .describe(
      'The service, as an entity ref: `component:default/cart`, or just `cart` (kind component, namespace default)',
    );

export const environment = (z: typeof zod, description: string) =>
  z.string().min(1).describe(description);

export const dryRun = (z: typeof zod) =>
  z
    .boolean()
    .optional()
    .describe(
      'Validate and authorize as the real request, and answer what would change; nothing is written. The scaffolder’s own dry run (template editor) implies it.',
    );

export const wait = (z: typeof zod, what: string) =>
  z.boolean().optional().describe(what);

export const timeoutSeconds = (z: typeof zod) =>
  z
    .number()
    .int()
    .min(1)
    .max(3600)
    .optional()
    .describe('How long to wait at most, in seconds (default 300)');

/** A ref as templates write it; a clear error names the input. */
export function parseServiceRef(value: string, field = 'entityRef') {
  try {
    return parseEntityRef(value, {
      defaultKind: 'component',
      defaultNamespace: 'default',
    });
  } catch (error) {
    throw new InputError(`${field}: ${(error as Error).message}`);
  }
}
