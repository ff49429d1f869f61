import { InputError } from '@backstage/errors';
import { z } from 'zod';

const name = z.string().trim().min(1, 'must not be empty').max(255);

export const deployBody = z
  .object({
    environment: name,
    version: name.optional(),
    gitRef: name.optional(),
    sync: z.boolean().optional(),
    wait: z.boolean().optional(),
  })
  .strict()
  .refine(b => Boolean(b.version) !== Boolean(b.gitRef), {
    message: 'give exactly one of version or gitRef',
  });

export const promotionBody = z.object({ from: name, to: name }).strict();

export const rollbackBody = z
  .object({
    environment: name,
    to: name.describe('an earlier version or deployment id'),
  })
  .strict();

export const releaseBody = z
  .object({
    environment: name,
    system: name.optional(),
    entityRefs: z.array(name).min(1).max(500).optional(),
    versions: z.record(z.string(), name).optional(),
    from: name.optional(),
    name: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9.-]*$/,
        'lower-case letters, digits, dots and dashes',
      )
      .max(100)
      .optional(),
  })
  .strict()
  .refine(b => Boolean(b.system) !== Boolean(b.entityRefs), {
    message: 'give exactly one of system or entityRefs',
  });

export const tagDeploymentBody = z.object({ tag: name }).strict();

/** Parses a request body, or throws a 400 that says what is wrong and where. */
export function parseBody<T extends z.ZodType>(
  schema: T,
  body: unknown,
): z.infer<T> {
  const result = schema.safeParse(body ?? {});
  if (!result.success) {
    const problems = result.error.issues.map(issue => {
      const where = issue.path.length ? issue.path.join('.') : 'body';
      return `${where}: ${issue.message}`;
    });
    throw new InputError(`Invalid request body: ${problems.join('; ')}`);
  }
  return result.data;
}
