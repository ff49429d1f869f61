import { nodeId } from '../shapes';
import { GitObjectValue, StandInRepository } from '../StandInRepository';
import {
  FieldNode,
  GraphqlSyntaxError,
  Location,
  OperationNode,
  parseQuery,
  SelectionNode,
  Value,
} from './parse';
import { fragmentApplies, namedType, SCALARS, TYPES } from './schema';

/** One entry of a GraphQL response's `errors`, as GitHub writes it. */
export interface GraphqlError {
  message: string;
  locations?: Location[];
  path?: Array<string | number>;
  /** GitHub's error class for execution errors, e.g. `NOT_FOUND`. */
  type?: string;
  extensions?: Record<string, unknown>;
}

export interface GraphqlResponse {
  data?: Record<string, unknown> | null;
  errors?: GraphqlError[];
}

export interface GraphqlContext {
  repository(owner: string, name: string): StandInRepository | undefined;
  /** `Blob.text` stops after this many bytes and `isTruncated` says so. */
  textLimit: number;
}

/** Git's own test for binary content: a NUL byte in the first 8000 bytes. */
const isBinary = (bytes: Buffer) => bytes.subarray(0, 8000).includes(0);

const TYPE_NAMES: Record<GitObjectValue['type'], string> = {
  blob: 'Blob',
  tree: 'Tree',
  commit: 'Commit',
  tag: 'Tag',
};

/**
 * Batches object lookups of one request: every `object(expression:)`
 * resolved in the same turn of the event loop (all aliases of a query) goes
 * to git as one `cat-file --batch`.
 */
class ObjectLoader {
  #queue: Array<{
    expression: string;
    resolve: (value: GitObjectValue | undefined) => void;
    reject: (error: unknown) => void;
  }> = [];

  constructor(private readonly repo: StandInRepository) {}

  load(expression: string): Promise<GitObjectValue | undefined> {
    return new Promise((resolve, reject) => {
      if (this.#queue.length === 0) {
        setImmediate(() => this.#flush());
      }
      this.#queue.push({ expression, resolve, reject });
    });
  }

  #flush() {
    const queue = this.#queue;
    this.#queue = [];
    this.repo.readObjects(queue.map(q => q.expression)).then(
      values => queue.forEach((q, i) => q.resolve(values[i])),
      error => queue.forEach(q => q.reject(error)),
    );
  }
}

/** A Git object as a GraphQL value: what it is, and which repository it is in. */
interface ObjectSource {
  repo: StandInRepository;
  object: GitObjectValue;
}

/**
 * Answers a GraphQL request (`{query, variables}`) the way GitHub does:
 * parse and validation errors come back alone with no `data`; execution
 * errors (a repository that cannot be resolved) come with `data` where the
 * failed field is null. Both with HTTP 200.
 */
export async function executeGraphql(
  body: unknown,
  context: GraphqlContext,
): Promise<GraphqlResponse> {
  const request = (body ?? {}) as { query?: unknown; variables?: unknown };
  if (typeof request.query !== 'string') {
    return {
      errors: [
        {
          message: 'A query attribute must be specified and must be a string.',
        },
      ],
    };
  }
  let operation: OperationNode;
  try {
    operation = parseQuery(request.query);
  } catch (error) {
    if (error instanceof GraphqlSyntaxError) {
      return {
        errors: [
          {
            message: `${error.message} at [${error.loc.line}, ${error.loc.column}]`,
            locations: [error.loc],
          },
        ],
      };
    }
    throw error;
  }
  const provided =
    typeof request.variables === 'object' && request.variables !== null
      ? (request.variables as Record<string, unknown>)
      : {};
  const problems = validate(operation);
  const variables = problems.length
    ? {}
    : coerceVariables(operation, provided, problems);
  if (problems.length) {
    return { errors: problems };
  }

  const errors: GraphqlError[] = [];
  const loaders = new Map<StandInRepository, ObjectLoader>();
  const argument = (field: FieldNode, name: string) => {
    const value = field.args.find(a => a.name === name)?.value;
    if (!value) return undefined;
    return value.kind === 'variable' ? variables[value.name] : value.value;
  };

  const resolveField = async (
    typeName: string,
    source: unknown,
    field: FieldNode,
    path: Array<string | number>,
  ): Promise<unknown> => {
    if (field.name === '__typename') {
      return typeName;
    }
    if (typeName === 'Query') {
      const owner = String(argument(field, 'owner'));
      const name = String(argument(field, 'name'));
      const repo = context.repository(owner, name);
      if (!repo) {
        errors.push({
          type: 'NOT_FOUND',
          path,
          locations: [field.loc],
          message: `Could not resolve to a Repository with the name '${owner}/${name}'.`,
        });
        return null;
      }
      return repo;
    }
    if (typeName === 'Repository') {
      const repo = source as StandInRepository;
      const { info } = repo;
      switch (field.name) {
        case 'id':
          return nodeId('R', info.id);
        case 'name':
          return info.repo;
        case 'nameWithOwner':
          return `${info.owner}/${info.repo}`;
        default: {
          // object(expression:) or object(oid:); neither names nothing.
          const expression =
            argument(field, 'expression') ?? argument(field, 'oid');
          if (typeof expression !== 'string') return null;
          let loader = loaders.get(repo);
          if (!loader) {
            loader = new ObjectLoader(repo);
            loaders.set(repo, loader);
          }
          const object = await loader.load(expression);
          return object ? { repo, object } : null;
        }
      }
    }
    const { repo, object } = source as ObjectSource;
    const text = () => object.bytes.subarray(0, context.textLimit);
    switch (field.name) {
      case 'oid':
        return object.sha;
      case 'abbreviatedOid':
        return object.sha.slice(0, 7);
      case 'id':
        return nodeId(TYPE_NAMES[object.type], object.sha);
      case 'repository':
        return repo;
      case 'byteSize':
        return object.bytes.length;
      case 'isBinary':
        return isBinary(object.bytes);
      case 'isTruncated':
        return !isBinary(object.bytes) && object.bytes.length > text().length;
      case 'text':
        return isBinary(object.bytes) ? null : text().toString('utf8');
      case 'tree': {
        const tree = /^tree ([0-9a-f]{40})$/m.exec(
          object.bytes.toString('utf8'),
        )![1];
        return {
          repo,
          object: { sha: tree, type: 'tree', bytes: Buffer.alloc(0) },
        };
      }
      default:
        throw new Error(
          `The stand-in cannot resolve ${typeName}.${field.name}`,
        );
    }
  };

  const concreteType = (declared: string, value: unknown) =>
    TYPES[declared]?.kind === 'INTERFACE'
      ? TYPE_NAMES[(value as ObjectSource).object.type]
      : declared;

  /** The fields that apply to a value of `typeName`, fragments flattened. */
  const collect = (typeName: string, selections: SelectionNode[]) => {
    const fields: FieldNode[] = [];
    for (const selection of selections) {
      if (selection.kind === 'field') {
        fields.push(selection);
      } else if (fragmentApplies(selection.typeCondition, typeName)) {
        fields.push(...collect(typeName, selection.selections));
      }
    }
    return fields;
  };

  const resolveObject = async (
    typeName: string,
    source: unknown,
    selections: SelectionNode[],
    path: Array<string | number>,
  ): Promise<Record<string, unknown>> => {
    const fields = collect(typeName, selections);
    const values = await Promise.all(
      fields.map(async field => {
        const key = field.alias ?? field.name;
        const value = await resolveField(typeName, source, field, [
          ...path,
          key,
        ]);
        if (value === null || !field.selections) {
          return [key, value] as const;
        }
        const declared = namedType(
          TYPES[typeName].fields[field.name]?.type ?? '',
        );
        return [
          key,
          await resolveObject(
            concreteType(declared, value),
            value,
            field.selections,
            [...path, key],
          ),
        ] as const;
      }),
    );
    return Object.fromEntries(values);
  };

  const data = await resolveObject(
    'Query',
    undefined,
    operation.selections,
    [],
  );
  return errors.length ? { data, errors } : { data };
}

/** The static checks GitHub runs before executing anything. */
function validate(operation: OperationNode): GraphqlError[] {
  const problems: GraphqlError[] = [];
  const declared = new Map(operation.variables.map(v => [v.name, v]));
  const operationName = operation.name ?? 'anonymous query';
  for (const variable of operation.variables) {
    if (
      !SCALARS[namedType(variable.type)] &&
      !TYPES[namedType(variable.type)]
    ) {
      problems.push({
        message: `${namedType(variable.type)} isn't a defined input type (on $${
          variable.name
        })`,
        locations: [variable.loc],
        extensions: {
          code: 'variableRequiresValidType',
          typeName: namedType(variable.type),
          variableName: variable.name,
        },
      });
    }
  }
  const checkValue = (value: Value, loc: Location) => {
    if (value.kind === 'variable' && !declared.has(value.name)) {
      problems.push({
        message: `Variable $${value.name} is used by ${operationName} but not declared`,
        locations: [loc],
        extensions: { code: 'variableNotDefined', variableName: value.name },
      });
    }
  };
  const walk = (typeName: string, selections: SelectionNode[]) => {
    for (const selection of selections) {
      if (selection.kind === 'fragment') {
        if (!TYPES[selection.typeCondition]) {
          problems.push({
            message: `No such type ${selection.typeCondition}, so it can't be a fragment condition`,
            locations: [selection.loc],
            extensions: {
              code: 'undefinedType',
              typeName: selection.typeCondition,
            },
          });
          continue;
        }
        walk(selection.typeCondition, selection.selections);
        continue;
      }
      if (selection.name === '__typename') continue;
      const definition = TYPES[typeName].fields[selection.name];
      if (!definition) {
        problems.push({
          message: `Field '${selection.name}' doesn't exist on type '${typeName}'`,
          locations: [selection.loc],
          extensions: {
            code: 'undefinedField',
            typeName,
            fieldName: selection.name,
          },
        });
        continue;
      }
      const args = definition.args ?? {};
      for (const arg of selection.args) {
        if (!args[arg.name]) {
          problems.push({
            message: `Field '${selection.name}' doesn't accept argument '${arg.name}'`,
            locations: [arg.loc],
            extensions: {
              code: 'argumentNotAccepted',
              name: selection.name,
              typeName: 'Field',
              argumentName: arg.name,
            },
          });
        }
        checkValue(arg.value, arg.loc);
      }
      const missing = Object.entries(args)
        .filter(([, type]) => type.endsWith('!'))
        .filter(([name]) => !selection.args.some(a => a.name === name))
        .map(([name]) => name);
      if (missing.length) {
        problems.push({
          message: `Field '${
            selection.name
          }' is missing required arguments: ${missing.join(', ')}`,
          locations: [selection.loc],
          extensions: {
            code: 'missingRequiredArguments',
            className: 'Field',
            name: selection.name,
            arguments: missing.join(', '),
          },
        });
      }
      const returns = namedType(definition.type);
      if (SCALARS[returns] && selection.selections) {
        problems.push({
          message: `Selections can't be made on scalars (field '${
            selection.name
          }' returns ${returns} but has selections [${selection.selections
            .map(s =>
              s.kind === 'field' ? s.name : `... on ${s.typeCondition}`,
            )
            .join(', ')}])`,
          locations: [selection.loc],
          extensions: {
            code: 'selectionMismatch',
            nodeName: `field '${selection.name}'`,
            typeName: returns,
          },
        });
      } else if (!SCALARS[returns] && !selection.selections) {
        problems.push({
          message: `Field must have selections (field '${selection.name}' returns ${returns} but has no selections. Did you mean '${selection.name} { ... }'?)`,
          locations: [selection.loc],
          extensions: {
            code: 'selectionMismatch',
            nodeName: `field '${selection.name}'`,
            typeName: returns,
          },
        });
      } else if (selection.selections) {
        walk(returns, selection.selections);
      }
    }
  };
  walk('Query', operation.selections);
  return problems;
}

/** Variable values with defaults applied, checked against their declared types. */
function coerceVariables(
  operation: OperationNode,
  provided: Record<string, unknown>,
  problems: GraphqlError[],
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const variable of operation.variables) {
    let value = provided[variable.name];
    if (value === undefined && variable.defaultValue?.kind === 'literal') {
      value = variable.defaultValue.value;
    }
    const scalar = SCALARS[namedType(variable.type)];
    const list = variable.type.startsWith('[');
    let explanation: string | undefined;
    if (value === undefined || value === null) {
      if (variable.type.endsWith('!')) {
        explanation = 'Expected value to not be null';
      }
    } else if (!list && scalar && typeof value !== scalar) {
      explanation = `Could not coerce value ${JSON.stringify(
        value,
      )} to ${namedType(variable.type)}`;
    }
    if (explanation) {
      problems.push({
        message: `Variable $${variable.name} of type ${variable.type} was provided invalid value`,
        locations: [variable.loc],
        extensions: {
          value: value ?? null,
          problems: [{ path: [], explanation }],
        },
      });
    }
    values[variable.name] = value ?? null;
  }
  return values;
}
