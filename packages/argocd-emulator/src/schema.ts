import contractDocument from '../contract/argocd-application.schema.json';

/** The parts of a Swagger 2.0 / JSON Schema document the validator reads. */
export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  required?: string[];
  items?: Schema;
  allOf?: Schema[];
  enum?: unknown[];
  [key: string]: unknown;
}

export interface SchemaDocument {
  definitions: Record<string, Schema>;
  paths?: Record<
    string,
    Record<
      string,
      {
        parameters?: Array<{ in: string; name: string; schema?: Schema }>;
        responses?: Record<string, { schema?: Schema }>;
      }
    >
  >;
  [key: string]: unknown;
}

export interface SchemaViolation {
  /** JSON path of the offending value, e.g. `$.status.sync.status`. */
  path: string;
  message: string;
}

const DATE_TIME =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * A small validator for the API descriptions (Swagger 2.0 definitions):
 * $ref, allOf, type (object/array/string/integer/number/boolean), format
 * (date-time, int32/int64, byte), properties, required, items, enum and
 * additionalProperties (a map when it is a schema). It is strict: an object
 * may only have the properties its schema declares (allOf parts included);
 * an object schema with no properties at all allows none.
 */
export function createSchemaValidator(document: SchemaDocument) {
  const resolveRef = (ref: string): Schema => {
    const name = ref.replace(/^#\/definitions\//, '');
    const found = document.definitions[name];
    if (!found) throw new Error(`unknown definition ${ref}`);
    return found;
  };
  const deref = (schema: Schema): Schema => {
    let s = schema;
    for (let i = 0; s.$ref && i < 32; i++) s = resolveRef(s.$ref);
    return s;
  };

  /** Every property an object schema allows, following allOf. */
  const propertiesOf = (schema: Schema): Record<string, Schema> => {
    const s = deref(schema);
    let props: Record<string, Schema> = { ...(s.properties ?? {}) };
    for (const part of s.allOf ?? [])
      props = { ...propertiesOf(part), ...props };
    return props;
  };

  const requiredOf = (schema: Schema): string[] => {
    const s = deref(schema);
    return [...(s.required ?? []), ...(s.allOf ?? []).flatMap(requiredOf)];
  };

  const check = (
    value: unknown,
    schema: Schema,
    path: string,
    out: SchemaViolation[],
  ) => {
    const s = deref(schema);
    const actual = typeOf(value);
    const type = s.type ?? (s.properties || s.allOf ? 'object' : undefined);
    if (s.enum && !s.enum.includes(value)) {
      out.push({
        path,
        message: `${JSON.stringify(value)} is not one of ${JSON.stringify(
          s.enum,
        )}`,
      });
    }
    switch (type) {
      case undefined:
        return;
      case 'string':
        if (actual !== 'string') {
          out.push({ path, message: `expected string, got ${actual}` });
        } else if (
          s.format === 'date-time' &&
          !DATE_TIME.test(value as string)
        ) {
          out.push({
            path,
            message: `${JSON.stringify(value)} is not an RFC 3339 date-time`,
          });
        } else if (
          s.format === 'byte' &&
          !/^[A-Za-z0-9+/]*={0,2}$/.test(value as string)
        ) {
          out.push({ path, message: 'expected base64 bytes' });
        }
        return;
      case 'integer':
        if (actual !== 'number' || !Number.isInteger(value)) {
          out.push({
            path,
            message: `expected integer, got ${
              actual === 'number' ? value : actual
            }`,
          });
        }
        return;
      case 'number':
        if (actual !== 'number')
          out.push({ path, message: `expected number, got ${actual}` });
        return;
      case 'boolean':
        if (actual !== 'boolean')
          out.push({ path, message: `expected boolean, got ${actual}` });
        return;
      case 'array':
        if (actual !== 'array') {
          out.push({ path, message: `expected array, got ${actual}` });
          return;
        }
        if (s.items) {
          (value as unknown[]).forEach((item, i) =>
            check(item, s.items!, `${path}[${i}]`, out),
          );
        }
        return;
      case 'object': {
        if (actual !== 'object') {
          out.push({ path, message: `expected object, got ${actual}` });
          return;
        }
        const props = propertiesOf(s);
        const record = value as Record<string, unknown>;
        for (const key of requiredOf(s)) {
          if (!(key in record))
            out.push({ path, message: `missing required property ${key}` });
        }
        for (const [key, v] of Object.entries(record)) {
          const childPath = `${path}.${key}`;
          if (props[key]) {
            check(v, props[key], childPath, out);
          } else if (
            s.additionalProperties &&
            typeof s.additionalProperties === 'object'
          ) {
            check(v, s.additionalProperties, childPath, out);
          } else if (s.additionalProperties !== true) {
            out.push({ path: childPath, message: `unknown property ${key}` });
          }
        }
        return;
      }
      default:
        out.push({ path, message: `schema type ${type} is not supported` });
    }
  };

  /** The 200 response schema of an operation, by method and concrete path. */
  const responseSchema = (
    method: string,
    concretePath: string,
  ): Schema | undefined => {
    const pathOnly = concretePath.split('?')[0];
    const candidates = Object.entries(document.paths ?? {})
      .filter(([template]) =>
        new RegExp(
          `^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`,
        ).test(pathOnly),
      )
      .sort(
        ([a], [b]) =>
          (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0),
      );
    for (const [, operations] of candidates) {
      const schema =
        operations[method.toLowerCase()]?.responses?.['200']?.schema;
      if (schema) return schema;
    }
    return undefined;
  };

  return {
    document,
    /** Violations of `value` against a schema or a definition name / `#/definitions/…` ref. */
    validate(value: unknown, schema: Schema | string): SchemaViolation[] {
      const out: SchemaViolation[] = [];
      const s =
        typeof schema === 'string'
          ? {
              $ref: schema.startsWith('#') ? schema : `#/definitions/${schema}`,
            }
          : schema;
      check(value, s, '$', out);
      return out;
    },
    responseSchema,
    /** The error schema (`default` response) is the same for every operation. */
    errorSchema: (): Schema => ({ $ref: '#/definitions/runtimeError' }),
    propertiesOf,
    deref,
  };
}

export type SchemaValidator = ReturnType<typeof createSchemaValidator>;

/** The package's own contract: the subset of Argo CD's API the emulator serves. */
export function loadContract(): SchemaDocument {
  return structuredClone(contractDocument) as unknown as SchemaDocument;
}
