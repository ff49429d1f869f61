import { existsSync } from 'node:fs';
import { loadContract, Schema } from './schema';
import { SWAGGER_PATH, swaggerValidator } from './__testUtils__/harness';

/**
 * The package's own contract (contract/argocd-application.schema.json) must
 * stay a subset of the Argo CD v3.5.1 API description: same operations and
 * response types, and for every definition only properties Argo CD has,
 * with the same types.
 */
const describeIfReference = existsSync(SWAGGER_PATH) ? describe : describe.skip;
if (!existsSync(SWAGGER_PATH)) {
  // eslint-disable-next-line no-console
  console.info(
    `Argo CD API description not found at ${SWAGGER_PATH}; skipping the contract cross-check`,
  );
}

function shape(schema: Schema | undefined): string {
  if (!schema) return 'none';
  if (schema.$ref) return schema.$ref;
  if (schema.type === 'array') return `array<${shape(schema.items)}>`;
  if (schema.type === 'object' && schema.additionalProperties) {
    return `map<${
      typeof schema.additionalProperties === 'object'
        ? shape(schema.additionalProperties)
        : 'any'
    }>`;
  }
  return `${schema.type}${schema.format ? `(${schema.format})` : ''}`;
}

describeIfReference('the contract against the Argo CD API description', () => {
  const contract = loadContract();

  it('is a subset of the description, definition by definition', () => {
    const swagger = swaggerValidator()!.document;
    const problems: string[] = [];
    for (const [name, definition] of Object.entries(contract.definitions)) {
      const reference = swagger.definitions[name];
      if (!reference) {
        problems.push(`${name}: not in the description`);
        continue;
      }
      if ((definition.type ?? 'object') !== (reference.type ?? 'object')) {
        problems.push(`${name}: type ${definition.type} vs ${reference.type}`);
      }
      for (const [prop, schema] of Object.entries(
        definition.properties ?? {},
      )) {
        const expected = reference.properties?.[prop];
        if (!expected) problems.push(`${name}.${prop}: not in the description`);
        else if (shape(schema) !== shape(expected)) {
          problems.push(
            `${name}.${prop}: ${shape(schema)} vs ${shape(expected)}`,
          );
        }
      }
      if (
        JSON.stringify(definition.allOf ?? []) !==
        JSON.stringify(reference.allOf ?? [])
      ) {
        problems.push(`${name}: allOf differs`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('declares the operations the emulator serves with the description’s response types', () => {
    const swagger = swaggerValidator()!.document;
    const problems: string[] = [];
    for (const [path, operations] of Object.entries(contract.paths ?? {})) {
      for (const [method, operation] of Object.entries(operations)) {
        const reference = swagger.paths?.[path]?.[method];
        if (!reference) {
          problems.push(
            `${method.toUpperCase()} ${path}: not in the description`,
          );
          continue;
        }
        const ours = JSON.stringify(operation.responses?.['200']?.schema);
        const theirs = JSON.stringify(reference.responses?.['200']?.schema);
        if (ours !== theirs && !path.startsWith('/api/v1/stream/')) {
          problems.push(
            `${method.toUpperCase()} ${path}: ${ours} vs ${theirs}`,
          );
        }
      }
    }
    expect(problems).toEqual([]);
    expect(Object.keys(contract.paths ?? {})).toHaveLength(12);
  });
});
