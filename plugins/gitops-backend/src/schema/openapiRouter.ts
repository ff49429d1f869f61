import express from 'express';
import { InputError } from '@backstage/errors';
import {
  ApiRouter,
  createValidatedOpenApiRouter,
} from '@backstage/backend-openapi-utils';
import { spec } from './openapi/generated/router';

/** The router every Shipdeck route is added to, typed by the spec. */
export type GitopsApiRouter = ApiRouter<typeof spec>;

type Schema = { [key: string]: unknown };

/**
 * A router that answers 400 for any request the spec forbids, before a route
 * runs: unknown paths' parameters, query parameters, headers and bodies of
 * the wrong type, range or shape.
 *
 * One exception to letting the validator say it: for a property the spec
 * does not list (`additionalProperties: false`) the validator's message is
 * "must NOT have additional properties" without naming it. So the validator
 * gets the spec with those objects open, and {@link rejectUnknownProperties}
 * walks the same schema and names each stray property.
 */
export async function createOpenApiRouter(): Promise<GitopsApiRouter> {
  const router = createValidatedOpenApiRouter<typeof spec>(
    withOpenObjects(spec) as typeof spec,
    // Manifest publishes carry whole files.
    { middleware: [express.json({ limit: '1mb' })] },
  );
  router.use(rejectUnknownProperties);
  return router;
}

/**
 * Answers 400 naming the first body property the operation's schema does not
 * list (`files.0.surprise`), for objects the spec closes.
 */
function rejectUnknownProperties(
  req: express.Request,
  _res: express.Response,
  next: express.NextFunction,
) {
  // The operation in the spec itself: the validator's copy has open objects.
  const route = (req as { openapi?: { openApiRoute?: string } }).openapi
    ?.openApiRoute;
  const operations = route
    ? (spec.paths as Record<string, Record<string, Schema> | undefined>)[route]
    : undefined;
  const operation = operations?.[req.method.toLowerCase()];
  const body = operation?.requestBody as Schema | undefined;
  const content = body?.content as
    | Record<string, { schema?: Schema }>
    | undefined;
  const schema = content?.['application/json']?.schema;
  if (schema && req.body !== undefined) {
    const stray = findUnknownProperty(schema, req.body, []);
    if (stray) {
      next(
        new InputError(
          `Invalid request body: ${
            stray.path.length ? `${stray.path.join('.')}: ` : ''
          }Unrecognized key: "${stray.key}"`,
        ),
      );
      return;
    }
  }
  next();
}

function resolve(schema: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const name = ref.replace('#/components/schemas/', '');
  const target = (spec.components.schemas as Record<string, unknown>)[name];
  return resolve(target as Schema);
}

function findUnknownProperty(
  node: Schema,
  value: unknown,
  path: string[],
): { path: string[]; key: string } | undefined {
  const schema = resolve(node);
  if (Array.isArray(value) && schema.items) {
    for (const [index, item] of value.entries()) {
      const found = findUnknownProperty(schema.items as Schema, item, [
        ...path,
        String(index),
      ]);
      if (found) return found;
    }
    return undefined;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return undefined;
  }
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  for (const [key, item] of Object.entries(value)) {
    const property = properties[key];
    if (property) {
      const found = findUnknownProperty(property, item, [...path, key]);
      if (found) return found;
    } else if (schema.additionalProperties === false) {
      return { path, key };
    }
  }
  return undefined;
}

/** A copy of the spec whose objects accept properties they do not list. */
function withOpenObjects(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withOpenObjects);
  if (!node || typeof node !== 'object') return node;
  const copy: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'additionalProperties' && value === false) continue;
    copy[key] = withOpenObjects(value);
  }
  return copy;
}
