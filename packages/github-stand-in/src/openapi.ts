/**
 * A small validator for the subset of JSON Schema that GitHub's OpenAPI
 * description uses for responses: `$ref` into the document, `type` (a name
 * or a list), `nullable`, `properties`, `required`, `additionalProperties`,
 * `items`, `enum`, `const`, `allOf`, `anyOf`, `oneOf`, string lengths,
 * `minimum`/`maximum`, and the `date-time` and `uri` formats. Other keywords
 * pass.
 *
 * `oneOf` is checked as "at least one": GitHub's alternatives overlap (for
 * example several nullable branches all accept `null`), so a strict
 * exactly-one rule would reject valid responses.
 */

/** A JSON Schema object as it appears in the description. */
export type Schema = Record<string, any>;

/** An OpenAPI 3 document (only the parts the validator reads). */
export interface OpenApiDocument {
  paths: Record<string, Record<string, any>>;
  components?: Record<string, any>;
}

/** Where a value broke the schema, as a JSON path, and how. */
export interface SchemaViolation {
  path: string;
  message: string;
}

const DATE_TIME =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

function typeOf(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'array';
  }
  if (typeof value === 'number') {
    return Number.isInteger(value) ? 'integer' : 'number';
  }
  return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

/** Resolves a local `$ref` such as `#/components/schemas/git-ref`. */
export function resolveRef(document: OpenApiDocument, ref: string): Schema {
  if (!ref.startsWith('#/')) {
    throw new Error(`Only local $refs are supported, not ${ref}`);
  }
  let node: any = document;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = node?.[key];
    if (node === undefined) {
      throw new Error(`Unresolvable $ref ${ref}`);
    }
  }
  return node;
}

/** All the ways `value` breaks `schema`; empty when it conforms. */
export function validateSchema(
  document: OpenApiDocument,
  schema: Schema,
  value: unknown,
  path = '$',
): SchemaViolation[] {
  if (schema.$ref) {
    return validateSchema(
      document,
      resolveRef(document, schema.$ref),
      value,
      path,
    );
  }
  const problems: SchemaViolation[] = [];
  const fail = (message: string) => problems.push({ path, message });

  if (value === null && (schema.nullable === true || schema.type === 'null')) {
    return problems;
  }
  if (schema.type !== undefined) {
    const types: string[] = Array.isArray(schema.type)
      ? schema.type
      : [schema.type];
    if (!types.some(t => matchesType(value, t))) {
      fail(
        `expected ${types.join(' or ')}${
          schema.nullable ? ' (nullable)' : ''
        }, got ${typeOf(value)}`,
      );
      return problems;
    }
  }
  if (
    schema.enum !== undefined &&
    !schema.enum.some((option: unknown) => option === value)
  ) {
    if (!(value === null && schema.nullable)) {
      fail(
        `expected one of ${JSON.stringify(schema.enum)}, got ${JSON.stringify(
          value,
        )}`,
      );
    }
  }
  if ('const' in schema && schema.const !== value) {
    fail(
      `expected ${JSON.stringify(schema.const)}, got ${JSON.stringify(value)}`,
    );
  }

  if (typeof value === 'string') {
    if (
      typeof schema.minLength === 'number' &&
      value.length < schema.minLength
    ) {
      fail(`shorter than ${schema.minLength}`);
    }
    if (
      typeof schema.maxLength === 'number' &&
      value.length > schema.maxLength
    ) {
      fail(`longer than ${schema.maxLength}`);
    }
    if (schema.format === 'date-time' && !DATE_TIME.test(value)) {
      fail(`not a date-time: ${JSON.stringify(value)}`);
    }
    if (schema.format === 'uri' && !URL.canParse(value)) {
      fail(`not a uri: ${JSON.stringify(value)}`);
    }
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) {
      fail(`less than ${schema.minimum}`);
    }
    if (typeof schema.maximum === 'number' && value > schema.maximum) {
      fail(`greater than ${schema.maximum}`);
    }
  }

  if (typeOf(value) === 'object') {
    const object = value as Record<string, unknown>;
    for (const key of schema.required ?? []) {
      if (!(key in object)) {
        problems.push({
          path: `${path}.${key}`,
          message: 'required property is missing',
        });
      }
    }
    const properties: Record<string, Schema> = schema.properties ?? {};
    for (const [key, child] of Object.entries(object)) {
      if (properties[key]) {
        problems.push(
          ...validateSchema(document, properties[key], child, `${path}.${key}`),
        );
      } else if (schema.additionalProperties === false) {
        problems.push({
          path: `${path}.${key}`,
          message: 'additional property is not allowed',
        });
      } else if (typeof schema.additionalProperties === 'object') {
        problems.push(
          ...validateSchema(
            document,
            schema.additionalProperties,
            child,
            `${path}.${key}`,
          ),
        );
      }
    }
  }
  if (Array.isArray(value)) {
    if (schema.items) {
      value.forEach((item, i) => {
        problems.push(
          ...validateSchema(document, schema.items, item, `${path}[${i}]`),
        );
      });
    }
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) {
      fail(`fewer than ${schema.minItems} items`);
    }
  }

  for (const part of schema.allOf ?? []) {
    problems.push(...validateSchema(document, part, value, path));
  }
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    const options: Schema[] | undefined = schema[keyword];
    if (options?.length) {
      const results = options.map(option =>
        validateSchema(document, option, value, path),
      );
      if (!results.some(r => r.length === 0)) {
        const closest = results.reduce((a, b) => (b.length < a.length ? b : a));
        fail(
          `matches none of ${keyword} (closest: ${closest
            .map(p => `${p.path} ${p.message}`)
            .join('; ')})`,
        );
      }
    }
  }
  return problems;
}

/**
 * The JSON schema of an operation's response, e.g. `('/repos/{owner}/{repo}/git/refs', 'post', 201)`,
 * following `$ref`s to `components.responses`; undefined when the
 * description declares no JSON body for that status.
 */
export function responseSchema(
  document: OpenApiDocument,
  pathTemplate: string,
  method: string,
  status: number,
): Schema | undefined {
  const operation = document.paths[pathTemplate]?.[method.toLowerCase()];
  if (!operation) {
    throw new Error(
      `The description has no operation ${method.toUpperCase()} ${pathTemplate}`,
    );
  }
  let response = operation.responses?.[String(status)];
  if (!response) {
    return undefined;
  }
  if (response.$ref) {
    response = resolveRef(document, response.$ref);
  }
  return response.content?.['application/json']?.schema;
}

/** The operation id (e.g. `git/get-ref`) of a path template and method. */
export function operationId(
  document: OpenApiDocument,
  pathTemplate: string,
  method: string,
): string | undefined {
  return document.paths[pathTemplate]?.[method.toLowerCase()]?.operationId;
}

/**
 * The path template (e.g. `/repos/{owner}/{repo}/pulls`) that a concrete
 * path or URL such as `/repos/acme/deploy/pulls?page=2` belongs to; exact
 * segments win over parameters.
 */
export function matchPathTemplate(
  document: OpenApiDocument,
  pathOrUrl: string,
): string | undefined {
  if (document.paths[pathOrUrl]) {
    return pathOrUrl;
  }
  const pathname = new URL(pathOrUrl, 'http://placeholder').pathname;
  const segments = pathname.split('/');
  let best: { template: string; params: number } | undefined;
  for (const template of Object.keys(document.paths)) {
    const parts = template.split('/');
    if (parts.length !== segments.length) {
      continue;
    }
    let params = 0;
    const matches = parts.every((part, i) => {
      if (/^\{[^}]+\}$/.test(part)) {
        params += 1;
        return segments[i] !== '';
      }
      return part === segments[i];
    });
    if (matches && (!best || params < best.params)) {
      best = { template, params };
    }
  }
  return best?.template;
}
