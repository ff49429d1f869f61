import { parse } from 'yaml';
import { mockServices } from '@backstage/backend-test-utils';
import { runAction, startGitopsBackend } from '../__testUtils__/gitopsBackend';
import { createArgocdApplicationCreateAction } from './argocdApplicationCreate';
import { createGitopsManifestsCreateAction } from './gitopsManifestsCreate';

jest.setTimeout(60_000);

const offline = {
  auth: mockServices.auth(),
  discovery: {
    getBaseUrl: async () => 'http://127.0.0.1:9/api/gitops',
    getExternalBaseUrl: async () => 'http://127.0.0.1:9/api/gitops',
  },
};

const FACTORIES = [
  createGitopsManifestsCreateAction,
  createArgocdApplicationCreateAction,
];

/** JSON-schema paths of properties without a description. */
function undescribed(schema: any, path = ''): string[] {
  if (!schema || typeof schema !== 'object') return [];
  const missing: string[] = [];
  for (const [key, property] of Object.entries<any>(schema.properties ?? {})) {
    const at = path ? `${path}.${key}` : key;
    if (!property.description) missing.push(at);
    missing.push(...undescribed(property, at));
  }
  for (const key of ['anyOf', 'oneOf', 'allOf']) {
    for (const branch of schema[key] ?? []) {
      missing.push(...undescribed(branch, path));
    }
  }
  if (schema.items) missing.push(...undescribed(schema.items, `${path}[]`));
  if (typeof schema.additionalProperties === 'object') {
    missing.push(...undescribed(schema.additionalProperties, `${path}.*`));
  }
  return missing;
}

describe.each(FACTORIES.map(factory => [factory(offline).id, factory]))(
  '%s',
  (_, factory) => {
    const action = factory(offline);

    it('describes every input and output field', () => {
      expect(undescribed(action.schema?.input)).toEqual([]);
      expect(undescribed(action.schema?.output)).toEqual([]);
    });

    it('has examples that run, as a dry run, against the real backend', async () => {
      const backend = await startGitopsBackend();
      try {
        const live = factory(backend.options);
        expect(live.examples?.length).toBeGreaterThan(0);
        for (const example of live.examples ?? []) {
          const [step] = parse(example.example).steps;
          expect(step.action).toBe(live.id);
          const input = JSON.parse(
            JSON.stringify(step.input).replaceAll(
              '${{ parameters.name }}',
              'cart',
            ),
          );
          const { outputs } = await runAction(live, input, { dryRun: true });
          expect(outputs.files.length).toBeGreaterThan(0);
        }
      } finally {
        await backend.stop();
      }
    });
  },
);
