import { InputError } from '@backstage/errors';
import { TemplateActionOptions } from '@backstage/plugin-scaffolder-node';
import { z } from 'zod/v3';

type SchemaOption = NonNullable<
  NonNullable<TemplateActionOptions['schema']>['input']
>;
/** One field of an action's input schema, as createTemplateAction takes it. */
export type FieldSchema = Extract<
  SchemaOption,
  Record<string, unknown>
>[string];
/** The zod the scaffolder hands to schema callbacks. */
type ScaffolderZod = Parameters<FieldSchema>[0];

export type InputSchema = Record<string, FieldSchema>;

export type ParsedInput<S extends InputSchema> = {
  [K in keyof S]: ReturnType<S[K]>['_output'];
};

/**
 * For a union ("a number, or a map of numbers"), the issues of the branch the
 * value got furthest in: a -1 is "must be at least 0", not "invalid input".
 */
function unionIssues(issue: z.ZodInvalidUnionIssue): z.ZodIssue[] {
  const branches = issue.unionErrors.map(error => error.issues);
  const typeMismatch = (issues: z.ZodIssue[]) =>
    issues.every(
      i => i.code === 'invalid_type' && i.path.length === issue.path.length,
    );
  return branches.find(issues => !typeMismatch(issues)) ?? [];
}

function describeIssue(issue: z.ZodIssue): string {
  const field = issue.path.join('.') || 'input';
  if (issue.code === 'unrecognized_keys') {
    return issue.keys
      .map(key => `${[...issue.path, key].join('.')}: unknown input`)
      .join('; ');
  }
  if (issue.code === 'invalid_union') {
    const inner = unionIssues(issue);
    if (inner.length > 0) return inner.map(describeIssue).join('; ');
    return `${field}: ${issue.unionErrors
      .flatMap(error => error.issues.map(i => i.message))
      .join(', or ')}`;
  }
  return `${field}: ${issue.message}`;
}

/**
 * Checks the input against the action's own schema and applies its
 * defaults. The scaffolder validates inputs before running a step, but not
 * every caller goes through it (tests, other actions, dry runs of edited
 * templates), so the handler checks again and answers with an InputError.
 */
export function parseInput<S extends InputSchema>(
  schema: S,
  input: unknown,
): ParsedInput<S> {
  // The scaffolder's zod and this package's are copies of the same v3 API;
  // only their type declarations differ.
  const zod = z as unknown as ScaffolderZod;
  const object = z
    .object(
      Object.fromEntries(
        Object.entries(schema).map(([key, field]) => [
          key,
          field(zod) as unknown as z.ZodTypeAny,
        ]),
      ),
    )
    .strict();
  const result = object.safeParse(input ?? {});
  if (!result.success) {
    throw new InputError(result.error.issues.map(describeIssue).join('; '));
  }
  return result.data as ParsedInput<S>;
}
