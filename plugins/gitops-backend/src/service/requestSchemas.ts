import { InputError } from '@backstage/errors';
import { z } from 'zod';
import {
  TIMELINE_CHANGE_KINDS,
  TimelineChangeKind,
} from '@shipdeck/plugin-gitops-common';

const name = z.string().trim().min(1, 'must not be empty').max(255);

/** Validate, plan and authorize, then answer what would change; write nothing. */
const dryRun = z.boolean().optional();

export const deployBody = z
  .object({
    environment: name,
    version: name.optional(),
    gitRef: name.optional(),
    sync: z.boolean().optional(),
    wait: z.boolean().optional(),
    dryRun,
  })
  .strict()
  .refine(b => Boolean(b.version) !== Boolean(b.gitRef), {
    message: 'give exactly one of version or gitRef',
  });

export const promotionBody = z
  .object({ from: name, to: name, dryRun })
  .strict();

export const rollbackBody = z
  .object({
    environment: name,
    to: name.describe('an earlier version or deployment id'),
    dryRun,
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
    dryRun,
  })
  .strict()
  .refine(b => Boolean(b.system) !== Boolean(b.entityRefs), {
    message: 'give exactly one of system or entityRefs',
  });

export const publishBody = z
  .object({
    files: z
      .array(
        z
          .object({
            path: z.string().min(1, 'must not be empty').max(512),
            content: z.string(),
            environment: name.optional(),
          })
          .strict(),
      )
      .min(1, 'must name at least one file')
      .max(200),
    repository: name.optional(),
    branch: name.optional(),
    pullRequest: z.boolean().optional(),
    overwrite: z.boolean().optional(),
    message: z.string().max(4000).optional(),
    dryRun,
  })
  .strict();

export const tagDeploymentBody = z
  .object({
    tag: name,
    commit: z
      .string()
      .regex(/^[0-9a-f]{40}$/, 'must be the full 40-character commit SHA')
      .optional(),
    promote: z.boolean().optional(),
    verifyImages: z.boolean().optional(),
    dryRun,
  })
  .strict();

function parse<T extends z.ZodType>(
  schema: T,
  value: unknown,
  what: string,
): z.infer<T> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    const problems = result.error.issues.map(issue => {
      const where = issue.path.length ? issue.path.join('.') : what;
      return `${where}: ${issue.message}`;
    });
    throw new InputError(`Invalid request ${what}: ${problems.join('; ')}`);
  }
  return result.data;
}

/** Parses a request body, or throws a 400 that says what is wrong and where. */
export function parseBody<T extends z.ZodType>(
  schema: T,
  body: unknown,
): z.infer<T> {
  return parse(schema, body, 'body');
}

/** Parses query parameters, or throws a 400 that says which is wrong. */
export function parseQuery<T extends z.ZodType>(
  schema: T,
  query: unknown,
): z.infer<T> {
  return parse(schema, query, 'query');
}

export const syncBody = z
  .object({
    environment: name,
    prune: z.boolean().optional(),
    dryRun: z.boolean().optional(),
    resources: z
      .array(
        z
          .object({
            group: z.string().optional(),
            kind: name,
            name,
            namespace: z.string().optional(),
          })
          .strict(),
      )
      .max(100)
      .optional(),
    wait: z.boolean().optional(),
    timeoutSeconds: z.number().int().min(1).max(3600).optional(),
  })
  .strict();

export const refreshBody = z
  .object({ environment: name, hard: z.boolean().optional() })
  .strict();

export const terminateBody = z.object({ environment: name }).strict();

export const rolloutActionBody = z
  .object({
    environment: name,
    action: z.enum(['promote', 'promote-full', 'abort', 'retry']),
  })
  .strict();

export const timelineQuery = z
  .object({
    environment: z.string().optional(),
    types: z.string().optional(),
    before: z.iso.datetime({ offset: true }).optional(),
    limit: z.coerce.number().int().min(1).max(200).optional(),
  })
  .strict();

export const timelineChangesQuery = z
  .object({
    environment: z.string().optional(),
    kinds: z
      .string()
      .transform((text, ctx) => {
        const kinds = text.split(',').filter(Boolean);
        const unknown = kinds.filter(
          k => !TIMELINE_CHANGE_KINDS.includes(k as TimelineChangeKind),
        );
        if (unknown.length) {
          ctx.addIssue({
            code: 'custom',
            message: `unknown change kind ${unknown.join(
              ', ',
            )}; expected ${TIMELINE_CHANGE_KINDS.join(', ')}`,
          });
          return z.NEVER;
        }
        return kinds as TimelineChangeKind[];
      })
      .optional(),
    before: z.iso.datetime({ offset: true }).optional(),
    limit: z.coerce.number().int().min(1).max(200).optional(),
  })
  .strict();

export const overviewQuery = z
  .object({
    owner: z.string().optional(),
    system: z.string().optional(),
    environment: z.string().optional(),
    status: z
      .enum(['all', 'problems', 'healthy', 'behind', 'drifted'])
      .optional(),
    changedWithinHours: z.coerce
      .number()
      .min(0)
      .max(24 * 30)
      .optional(),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
    offset: z.coerce.number().int().min(0).optional(),
  })
  .strict();

export const argoRollbackBody = z
  .object({
    environment: name,
    historyId: z.number().int().min(0),
    prune: z.boolean().optional(),
  })
  .strict();

export const metricsQuery = z
  .object({
    entity: z.string().trim().min(1, 'must not be empty').optional(),
    days: z.coerce
      .number()
      .int('must be a whole number of days')
      .min(1, 'must be at least 1')
      .max(365, 'must be at most 365')
      .optional(),
    owner: z.string().trim().min(1, 'must not be empty').optional(),
    system: z.string().trim().min(1, 'must not be empty').optional(),
    environment: z.string().trim().min(1, 'must not be empty').optional(),
  })
  .strict();
