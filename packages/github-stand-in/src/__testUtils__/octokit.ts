import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Octokit } from '@octokit/rest';
import {
  matchPathTemplate,
  OpenApiDocument,
  operationId,
  responseSchema,
  validateSchema,
} from '../openapi';

let cached: OpenApiDocument | undefined;

/** GitHub's OpenAPI description for api.github.com, read once per test file. */
export function githubDescription(): OpenApiDocument {
  if (!cached) {
    const root = dirname(require.resolve('@octokit/openapi/package.json'));
    cached = JSON.parse(
      readFileSync(join(root, 'generated', 'api.github.com.json'), 'utf8'),
    ) as OpenApiDocument;
  }
  return cached;
}

/** A response whose body does not match its operation's schema. */
export class SchemaMismatchError extends Error {
  constructor(
    readonly operation: string,
    readonly status: number,
    readonly violations: Array<{ path: string; message: string }>,
  ) {
    super(
      `${operation} ${status} does not match GitHub's schema:\n${violations
        .slice(0, 20)
        .map(v => `  ${v.path}: ${v.message}`)
        .join('\n')}`,
    );
  }
}

/**
 * An Octokit whose every JSON response (success or error) is checked against
 * the response schema of its operation in GitHub's OpenAPI description; a
 * mismatch rejects the call with a {@link SchemaMismatchError}. `checked`
 * collects `operationId status` pairs that were validated.
 */
export function validatingOctokit(
  baseUrl: string,
  auth?: string,
): { octokit: Octokit; checked: Set<string> } {
  const description = githubDescription();
  const octokit = new Octokit({
    baseUrl,
    auth,
    log: { debug() {}, info() {}, warn() {}, error() {} },
  });
  const checked = new Set<string>();
  const check = (options: any, status: number, data: unknown) => {
    if (options.mediaType?.format === 'raw') {
      return;
    }
    const template =
      matchPathTemplate(description, options.url) ?? (options.url as string);
    const method: string = options.method;
    const id =
      operationId(description, template, method) ?? `${method} ${template}`;
    // Errors the description does not list per operation (401, rate limits)
    // come in GitHub's generic error shape.
    const schema =
      responseSchema(description, template, method, status) ??
      (status >= 400
        ? { $ref: '#/components/schemas/basic-error' }
        : undefined);
    if (!schema) {
      throw new SchemaMismatchError(id, status, [
        {
          path: '$',
          message: 'the description declares no JSON body for this status',
        },
      ]);
    }
    const violations = validateSchema(description, schema, data);
    if (violations.length) {
      throw new SchemaMismatchError(id, status, violations);
    }
    checked.add(`${id} ${status}`);
  };
  octokit.hook.wrap('request', async (request, options) => {
    let response;
    try {
      response = await request(options);
    } catch (error: any) {
      if (error?.response && typeof error.status === 'number') {
        check(options, error.status, error.response.data);
      }
      throw error;
    }
    check(options, response.status, response.data);
    return response;
  });
  return { octokit, checked };
}
