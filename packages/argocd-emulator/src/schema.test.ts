import { createSchemaValidator, loadContract, SchemaDocument } from './schema';
import { swaggerValidator } from './__testUtils__/harness';

const document: SchemaDocument = {
  definitions: {
    Thing: {
      type: 'object',
      properties: {
        name: { type: 'string' },
        count: { type: 'integer', format: 'int64' },
        at: { $ref: '#/definitions/Time' },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        parts: { type: 'array', items: { $ref: '#/definitions/Part' } },
      },
      required: ['name'],
    },
    Time: { type: 'string', format: 'date-time' },
    Ref: { type: 'object', properties: { kind: { type: 'string' } } },
    Part: {
      type: 'object',
      properties: { health: { type: 'string' } },
      allOf: [{ $ref: '#/definitions/Ref' }],
    },
    Empty: { type: 'object' },
  },
};

describe('schema validator', () => {
  const v = createSchemaValidator(document);

  it('accepts a value that matches', () => {
    expect(
      v.validate(
        {
          name: 'a',
          count: 3,
          at: '2026-01-02T03:04:05Z',
          labels: { x: 'y' },
          parts: [{ kind: 'Rollout', health: 'Healthy' }],
        },
        'Thing',
      ),
    ).toEqual([]);
    expect(v.validate({}, 'Empty')).toEqual([]);
  });

  it('rejects unknown properties, wrong primitive types and missing required ones', () => {
    expect(
      v.validate(
        {
          count: '3',
          at: 'yesterday',
          labels: { x: 1 },
          parts: [{ kind: 'Rollout', colour: 'red' }],
          extra: true,
        },
        'Thing',
      ),
    ).toEqual([
      { path: '$', message: 'missing required property name' },
      { path: '$.count', message: 'expected integer, got string' },
      { path: '$.at', message: '"yesterday" is not an RFC 3339 date-time' },
      { path: '$.labels.x', message: 'expected string, got number' },
      { path: '$.parts[0].colour', message: 'unknown property colour' },
      { path: '$.extra', message: 'unknown property extra' },
    ]);
    expect(v.validate({ surprise: 1 }, 'Empty')).toEqual([
      { path: '$.surprise', message: 'unknown property surprise' },
    ]);
    expect(v.validate([], 'Thing')).toEqual([
      { path: '$', message: 'expected object, got array' },
    ]);
  });

  it('finds the response schema of a concrete path', () => {
    const contract = createSchemaValidator(loadContract());
    expect(
      contract.responseSchema('GET', '/api/v1/applications/cart-dev'),
    ).toEqual({
      $ref: '#/definitions/v1alpha1Application',
    });
    expect(
      contract.responseSchema(
        'GET',
        '/api/v1/applications/cart-dev/resource-tree',
      ),
    ).toEqual({
      $ref: '#/definitions/v1alpha1ApplicationTree',
    });
    expect(
      contract.responseSchema(
        'POST',
        '/api/v1/applications/cart-dev/resource/actions/v2',
      ),
    ).toEqual({
      $ref: '#/definitions/applicationApplicationResponse',
    });
  });

  it('rejects a bad Application in the contract and, when present, the Argo CD description', () => {
    const bad = {
      metadata: { name: 'cart-dev', generation: '1' },
      status: {
        sync: { status: 'Synced', revisions: 'abc' },
        health: { status: 'Healthy', since: 'now' },
        history: [{ id: '0', revision: 'abc' }],
      },
      extra: {},
    };
    const expected = expect.arrayContaining([
      {
        path: '$.metadata.generation',
        message: 'expected integer, got string',
      },
      { path: '$.status.health.since', message: 'unknown property since' },
      {
        path: '$.status.history[0].id',
        message: 'expected integer, got string',
      },
      { path: '$.extra', message: 'unknown property extra' },
    ]);
    const contract = createSchemaValidator(loadContract());
    expect(contract.validate(bad, 'v1alpha1Application')).toEqual(expected);
    // The contract only lists what is served: `revisions` is Argo CD's, not served.
    expect(contract.validate(bad, 'v1alpha1Application')).toContainEqual({
      path: '$.status.sync.revisions',
      message: 'unknown property revisions',
    });
    const swagger = swaggerValidator();
    if (!swagger) return;
    expect(swagger.validate(bad, 'v1alpha1Application')).toEqual(expected);
    expect(swagger.validate(bad, 'v1alpha1Application')).toContainEqual({
      path: '$.status.sync.revisions',
      message: 'expected array, got string',
    });
  });
});
