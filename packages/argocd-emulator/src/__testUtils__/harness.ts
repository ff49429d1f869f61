import { existsSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { resolve } from 'node:path';
import { createEmulator, CreateEmulatorOptions, Emulator } from '../emulator';
import {
  createSchemaValidator,
  loadContract,
  SchemaDocument,
  SchemaValidator,
} from '../schema';
import { Timings } from '../state';
import { seedManifestRepo } from '../testRepo';

/* Shared by this package's tests: a demo repository, a running emulator and
 * an API client that validates every body it receives. Not exported. */

export const EXAMPLES = resolve(__dirname, '../../../../examples/manifests');
export const SWAGGER_PATH =
  process.env.ARGOCD_SWAGGER_PATH ??
  resolve(
    __dirname,
    '../../../../../shared/reference/argocd-v3.5.1-swagger.json',
  );
export const TOKEN = 't0ken';

/** Fast timings: every phase well under a second. */
export const FAST: Partial<Timings> = {
  pollIntervalMs: 300,
  operationStartMs: 50,
  hookMs: 400,
  syncMs: 150,
  progressingMs: 700,
  postOperationReconcileMs: 300,
  terminateMs: 150,
  selfHealMs: 500,
  keepAliveMs: 400,
};

let swagger: SchemaValidator | undefined | null = null;

/** The Argo CD API description's validator, or undefined when the file is absent. */
export function swaggerValidator(): SchemaValidator | undefined {
  if (swagger === null) {
    swagger = existsSync(SWAGGER_PATH)
      ? createSchemaValidator(
          JSON.parse(readFileSync(SWAGGER_PATH, 'utf8')) as SchemaDocument,
        )
      : undefined;
    if (!swagger) {
      // eslint-disable-next-line no-console
      console.info(
        `Argo CD API description not found at ${SWAGGER_PATH}: responses are validated against the package's contract only`,
      );
    }
  }
  return swagger;
}

const contract = createSchemaValidator(loadContract());

/**
 * Validates a response body against the package's contract and, when
 * present, the Argo CD API description; throws listing the violations.
 */
export function expectValidResponse(
  method: string,
  path: string,
  status: number,
  body: unknown,
) {
  for (const [name, validator] of [
    ['contract', contract],
    ['swagger', swaggerValidator()],
  ] as const) {
    if (!validator) continue;
    const schema =
      status >= 200 && status < 300
        ? validator.responseSchema(method, path)
        : validator.errorSchema();
    if (!schema) throw new Error(`${name}: no schema for ${method} ${path}`);
    const violations = validator.validate(body, schema);
    if (violations.length) {
      throw new Error(
        `${method} ${path} (${status}) does not match the ${name}:\n${violations
          .slice(0, 20)
          .map(v => `  ${v.path}: ${v.message}`)
          .join('\n')}`,
      );
    }
  }
}

/** Validates one watch-stream message (`{result}`) against the stream schema. */
export function expectValidStreamMessage(message: unknown) {
  expectValidResponse('GET', '/api/v1/stream/applications', 200, message);
}

export interface ApiResponse {
  status: number;
  body: any;
  headers: Headers;
}

export interface Harness {
  emulator: Emulator;
  url: string;
  repoDir: string;
  seedSha: string;
  /** Calls the API with the token and validates the answer. */
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<ApiResponse>;
  close(): Promise<void>;
}

export async function startHarness(
  options: Partial<CreateEmulatorOptions> & { timings?: Partial<Timings> } = {},
): Promise<Harness> {
  const { dir, sha } = await seedManifestRepo({ from: EXAMPLES });
  const emulator = createEmulator({
    repoDir: dir,
    token: TOKEN,
    ...options,
    timings: { ...FAST, ...options.timings },
  });
  await emulator.reconcileNow();
  const running = await emulator.start();
  const call: Harness['call'] = async (method, path, body, headers = {}) => {
    const res = await fetch(`${running.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${TOKEN}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const parsed = text ? JSON.parse(text) : undefined;
    if (path.startsWith('/api/v1/'))
      expectValidResponse(method, path, res.status, parsed);
    return { status: res.status, body: parsed, headers: res.headers };
  };
  return {
    emulator,
    url: running.url,
    repoDir: dir,
    seedSha: sha,
    call,
    close: () => emulator.stop(),
  };
}

/** Polls `probe` until it returns a truthy value (or throws after `timeoutMs`). */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 15000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}${
          last ? `: ${(last as Error).message}` : ''
        }`,
      );
    }
    await new Promise(r => setTimeout(r, 50));
  }
}

/** A raw stream reader: collects the bytes of a long-lived GET. */
export function openStream(
  url: string,
  headers: Record<string, string>,
): {
  text: () => string;
  status: Promise<number>;
  contentType: Promise<string>;
  close: () => void;
  ended: Promise<void>;
} {
  let buffer = '';
  let resolveStatus: (s: number) => void = () => {};
  let resolveType: (s: string) => void = () => {};
  let resolveEnded: () => void = () => {};
  const status = new Promise<number>(r => (resolveStatus = r));
  const contentType = new Promise<string>(r => (resolveType = r));
  const ended = new Promise<void>(r => (resolveEnded = r));
  const req = httpRequest(
    url,
    { headers: { authorization: `Bearer ${TOKEN}`, ...headers } },
    res => {
      resolveStatus(res.statusCode ?? 0);
      resolveType(String(res.headers['content-type'] ?? ''));
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
      });
      res.on('end', () => resolveEnded());
      res.on('close', () => resolveEnded());
    },
  );
  req.on('error', () => {
    resolveStatus(0);
    resolveEnded();
  });
  req.end();
  return {
    text: () => buffer,
    status,
    contentType,
    close: () => req.destroy(),
    ended,
  };
}

/** Parses SSE text into its `data:` payloads (comments skipped). */
export function sseMessages(text: string): any[] {
  return text
    .split('\n\n')
    .map(block =>
      block
        .split('\n')
        .filter(l => l.startsWith('data: '))
        .map(l => l.slice(6))
        .join('\n'),
    )
    .filter(Boolean)
    .map(data => JSON.parse(data));
}
