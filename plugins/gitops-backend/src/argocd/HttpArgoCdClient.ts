import { Config } from '@backstage/config';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  ArgoAppRef,
  ArgoApplication,
  ArgoCdClient,
  ArgoResourceRef,
  SyncOptions,
} from './types';
import { ArgoCdLinks } from './ArgoCdLinks';
import { ArgoCdInstanceConfig, readArgoCdConfig } from './argoCdConfig';

export type { ArgoCdInstanceConfig };

export interface HttpArgoCdClientOptions {
  logger?: LoggerService;
  /** Per-request timeout. Default 10 s. */
  timeoutMs?: number;
  /** Timeout of `getApplication` with `refresh`, which blocks until Argo CD reconciled. Default 60 s. */
  refreshTimeoutMs?: number;
  /** Retries after a transient failure (so at most `retries + 1` attempts). Default 2. */
  retries?: number;
  /** First backoff delay; doubles per retry, with jitter, capped at 5 s. Default 250 ms. */
  backoffMs?: number;
}

/** A resource action as Argo CD lists it; check `disabled` before offering it. */
export interface ArgoResourceAction {
  name: string;
  displayName?: string;
  disabled?: boolean;
}

// gRPC status codes Argo CD puts in `code` of its error bodies.
const GRPC = {
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

const TRANSIENT_STATUS = [502, 503, 504];
const MAX_BACKOFF_MS = 5_000;

interface ArgoErrorBody {
  code?: number;
  message?: string;
  error?: string;
}

/** What a request is about, for error messages. */
interface Subject {
  /** Verb phrase, e.g. `sync`, `list resource actions of`. */
  action: string;
  ref?: ArgoAppRef;
  resource?: ArgoResourceRef;
}

interface RequestSpec {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  query?: Array<[string, string | undefined]>;
  body?: unknown;
  subject: Subject;
  /** POSTs that change state are retried only when the request was never sent. */
  idempotent: boolean;
  /** Blocking refresh: longer timeout, and a timeout is final rather than retried. */
  refresh?: boolean;
}

/** Classified failure of a request that got no HTTP answer. */
interface NetworkFailure {
  kind: 'timeout' | 'unsent' | 'network';
  detail: string;
}

// Connection-level errors that prove the request never reached the server.
const UNSENT_CODES = ['ECONNREFUSED', 'EAI_AGAIN'];

function classifyNetworkError(
  error: unknown,
  spec: RequestSpec,
  timeoutMs: number,
): NetworkFailure {
  const e = error as Error | undefined;
  const what = `${spec.method} ${spec.path}`;
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
    return {
      kind: 'timeout',
      detail: `${what} timed out after ${formatMs(timeoutMs)}`,
    };
  }
  // undici reports `TypeError: fetch failed` with the socket error as cause,
  // an AggregateError when several addresses were tried.
  const codes = new Set<string>();
  const messages: string[] = [];
  const visit = (x: unknown, depth: number) => {
    if (!x || typeof x !== 'object' || depth > 4) return;
    const err = x as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
      errors?: unknown;
    };
    if (typeof err.code === 'string') codes.add(err.code);
    if (typeof err.message === 'string' && err.message) {
      messages.push(err.message);
    }
    visit(err.cause, depth + 1);
    if (Array.isArray(err.errors)) {
      err.errors.forEach(inner => visit(inner, depth + 1));
    }
  };
  visit(error, 0);
  const detail = `${what} failed: ${
    [...new Set(messages)].filter(m => m !== 'fetch failed').join('; ') ||
    e?.message ||
    String(error)
  }`;
  return {
    kind: [...codes].some(c => UNSENT_CODES.includes(c)) ? 'unsent' : 'network',
    detail,
  };
}

function formatMs(ms: number) {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function parseErrorBody(text: string): ArgoErrorBody | undefined {
  try {
    const body = JSON.parse(text);
    return body && typeof body === 'object' ? body : undefined;
  } catch {
    return undefined;
  }
}

function appLabel(ref: ArgoAppRef) {
  return ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;
}

function sleep(ms: number) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/**
 * Argo CD's REST API over the configured instances, with a bearer token per
 * instance, per-request timeouts, bounded retries of transient failures and
 * errors translated into Backstage errors that name instance and application.
 */
export class HttpArgoCdClient implements ArgoCdClient {
  static fromConfig(
    config: Config,
    options: HttpArgoCdClientOptions = {},
  ): HttpArgoCdClient {
    return new HttpArgoCdClient(readArgoCdConfig(config).instances, options);
  }

  readonly #instances: Map<string, ArgoCdInstanceConfig>;
  readonly #calls = new Map<string, number>();
  readonly #links: ArgoCdLinks;
  readonly #logger?: LoggerService;
  readonly #timeoutMs: number;
  readonly #refreshTimeoutMs: number;
  readonly #retries: number;
  readonly #backoffMs: number;

  constructor(
    instances: ArgoCdInstanceConfig[],
    options: HttpArgoCdClientOptions = {},
  ) {
    this.#instances = new Map();
    for (const instance of instances) {
      if (this.#instances.has(instance.name)) {
        throw new Error(
          `gitops.argocd.instances lists '${instance.name}' twice`,
        );
      }
      if (!/^https?:\/\//.test(instance.url)) {
        throw new Error(
          `gitops.argocd.instances '${instance.name}' url '${instance.url}' must start with http:// or https://`,
        );
      }
      this.#instances.set(instance.name, {
        ...instance,
        url: instance.url.replace(/\/+$/, ''),
        webUrl: instance.webUrl?.replace(/\/+$/, ''),
      });
      this.#calls.set(instance.name, 0);
    }
    this.#links = ArgoCdLinks.forInstances([...this.#instances.values()]);
    this.#logger = options.logger;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#refreshTimeoutMs = options.refreshTimeoutMs ?? 60_000;
    this.#retries = Math.max(0, options.retries ?? 2);
    this.#backoffMs = options.backoffMs ?? 250;
  }

  instances(): string[] {
    return [...this.#instances.keys()];
  }

  /** HTTP requests sent per instance, retries included, since creation. */
  callCounts(): Record<string, number> {
    return Object.fromEntries(this.#calls);
  }

  async listApplications(
    instance: string,
    options: {
      selector?: string;
      projects?: string[];
      appNamespace?: string;
      fields?: string[];
    } = {},
  ): Promise<{ items: ArgoApplication[]; resourceVersion?: string }> {
    const query: Array<[string, string | undefined]> = [
      ['selector', options.selector || undefined],
      ['appNamespace', options.appNamespace || undefined],
      ...(options.projects ?? []).map(p => ['projects', p] as [string, string]),
    ];
    if (options.fields?.length) {
      query.push(['fields', projection(options.fields)]);
    }
    const body = await this.#request<{
      items?: ArgoApplication[] | null;
      metadata?: { resourceVersion?: string };
    }>(instance, {
      method: 'GET',
      path: '/api/v1/applications',
      query,
      subject: { action: 'list applications' },
      idempotent: true,
    });
    return {
      // Go serialises an empty list as null.
      items: body?.items ?? [],
      resourceVersion: body?.metadata?.resourceVersion,
    };
  }

  getApplication(
    ref: ArgoAppRef,
    options: { refresh?: 'normal' | 'hard' } = {},
  ): Promise<ArgoApplication> {
    return this.#request(ref.instance, {
      method: 'GET',
      path: appPath(ref),
      query: [
        ['appNamespace', ref.namespace || undefined],
        ['project', ref.project || undefined],
        ['refresh', options.refresh],
      ],
      subject: { action: options.refresh ? 'refresh' : 'read', ref },
      idempotent: true,
      refresh: Boolean(options.refresh),
    });
  }

  sync(ref: ArgoAppRef, options: SyncOptions = {}): Promise<ArgoApplication> {
    return this.#request(ref.instance, {
      method: 'POST',
      path: `${appPath(ref)}/sync`,
      body: {
        name: ref.name,
        appNamespace: ref.namespace || undefined,
        project: ref.project || undefined,
        // Never a default: auto-synced apps refuse any other revision
        // (https://argo-cd.readthedocs.io/en/stable/user-guide/auto_sync/).
        revision: options.revision,
        prune: options.prune,
        dryRun: options.dryRun,
        resources: options.resources?.map(r => ({
          group: r.group ?? '',
          kind: r.kind,
          name: r.name,
          namespace: r.namespace,
        })),
        infos: options.infos,
      },
      subject: { action: 'sync', ref },
      idempotent: false,
    });
  }

  async terminateOperation(ref: ArgoAppRef): Promise<void> {
    await this.#request(ref.instance, {
      method: 'DELETE',
      path: `${appPath(ref)}/operation`,
      query: [
        ['appNamespace', ref.namespace || undefined],
        ['project', ref.project || undefined],
      ],
      subject: { action: 'terminate the operation of', ref },
      idempotent: true,
    });
  }

  rollback(
    ref: ArgoAppRef,
    options: { id: number; prune?: boolean; dryRun?: boolean },
  ): Promise<ArgoApplication> {
    return this.#request(ref.instance, {
      method: 'POST',
      path: `${appPath(ref)}/rollback`,
      body: {
        name: ref.name,
        appNamespace: ref.namespace || undefined,
        project: ref.project || undefined,
        id: options.id,
        prune: options.prune,
        dryRun: options.dryRun,
      },
      subject: { action: 'roll back', ref },
      idempotent: false,
    });
  }

  async listResourceActions(
    ref: ArgoAppRef,
    resource: ArgoResourceRef,
  ): Promise<ArgoResourceAction[]> {
    const body = await this.#request<{
      actions?: ArgoResourceAction[] | null;
    }>(ref.instance, {
      method: 'GET',
      path: `${appPath(ref)}/resource/actions`,
      query: [
        ['namespace', resource.namespace],
        ['resourceName', resource.name],
        ['group', resource.group],
        ['kind', resource.kind],
        ['version', resource.version],
        ['appNamespace', ref.namespace || undefined],
        ['project', ref.project || undefined],
      ],
      subject: { action: 'list resource actions of', ref, resource },
      idempotent: true,
    });
    return (body?.actions ?? []).map(a => ({
      name: a.name,
      ...(a.displayName ? { displayName: a.displayName } : {}),
      disabled: a.disabled ?? false,
    }));
  }

  async runResourceAction(
    ref: ArgoAppRef,
    resource: ArgoResourceRef,
    action: string,
  ): Promise<void> {
    await this.#request(ref.instance, {
      method: 'POST',
      path: `${appPath(ref)}/resource/actions/v2`,
      body: {
        name: ref.name,
        appNamespace: ref.namespace || undefined,
        project: ref.project || undefined,
        namespace: resource.namespace,
        resourceName: resource.name,
        group: resource.group,
        kind: resource.kind,
        version: resource.version,
        action,
      },
      subject: { action: `run action '${action}' on`, ref, resource },
      idempotent: false,
    });
  }

  applicationUrl(ref: ArgoAppRef): string | undefined {
    return this.#links.applicationUrl(ref);
  }

  #instance(name: string): ArgoCdInstanceConfig {
    const instance = this.#instances.get(name);
    if (!instance) {
      const configured = this.instances();
      throw new InputError(
        `Unknown Argo CD instance '${name}'; configured: ${
          configured.length ? configured.join(', ') : 'none'
        } (gitops.argocd.instances)`,
      );
    }
    return instance;
  }

  async #request<T>(instanceName: string, spec: RequestSpec): Promise<T> {
    const instance = this.#instance(instanceName);
    const params = new URLSearchParams();
    // Undefined values are left out; empty ones are kept (the core API group is '').
    for (const [key, value] of spec.query ?? []) {
      if (value !== undefined) params.append(key, value);
    }
    const search = params.toString();
    const url = `${instance.url}${spec.path}${search ? `?${search}` : ''}`;
    const timeoutMs = spec.refresh ? this.#refreshTimeoutMs : this.#timeoutMs;
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (instance.token) headers.Authorization = `Bearer ${instance.token}`;
    if (spec.body !== undefined) headers['Content-Type'] = 'application/json';

    for (let attempt = 0; ; attempt++) {
      this.#calls.set(instance.name, (this.#calls.get(instance.name) ?? 0) + 1);
      let status: number;
      let text: string;
      try {
        const response = await fetch(url, {
          method: spec.method,
          headers,
          body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
          signal: AbortSignal.timeout(timeoutMs),
        });
        status = response.status;
        text = await response.text();
      } catch (error) {
        const failure = classifyNetworkError(error, spec, timeoutMs);
        const retryable =
          failure.kind === 'unsent' ||
          (spec.idempotent &&
            (failure.kind === 'network' ||
              (failure.kind === 'timeout' && !spec.refresh)));
        if (retryable && attempt < this.#retries) {
          await this.#backoff(instance.name, attempt, failure.detail);
          continue;
        }
        throw this.#unavailable(instance.name, spec, failure, attempt);
      }

      if (status >= 200 && status < 300) {
        return this.#parseSuccess<T>(instance.name, spec, status, text);
      }
      const body = parseErrorBody(text);
      const transient =
        TRANSIENT_STATUS.includes(status) ||
        body?.code === GRPC.UNAVAILABLE ||
        (body?.code === GRPC.DEADLINE_EXCEEDED && !spec.refresh);
      if (
        transient &&
        spec.idempotent &&
        !(spec.refresh && status === 504) &&
        attempt < this.#retries
      ) {
        await this.#backoff(
          instance.name,
          attempt,
          `${spec.method} ${spec.path} answered ${status}`,
        );
        continue;
      }
      throw this.#toError(instance.name, spec, status, text, body, attempt);
    }
  }

  async #backoff(instance: string, attempt: number, why: string) {
    const ceiling = Math.min(MAX_BACKOFF_MS, this.#backoffMs * 2 ** attempt);
    // Half fixed, half random: spreads replicas without collapsing to zero.
    const delay = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
    this.#logger?.warn(
      `Argo CD instance '${instance}': ${why}; retry ${attempt + 1} of ${
        this.#retries
      } in ${delay} ms`,
    );
    await sleep(delay);
  }

  #parseSuccess<T>(
    instance: string,
    spec: RequestSpec,
    status: number,
    text: string,
  ): T {
    if (!text.trim()) return {} as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ServiceUnavailableError(
        `Argo CD instance '${instance}' answered ${spec.method} ${
          spec.path
        } with ${status} and a body that is not JSON (${snippet(
          text,
        )}); is the url the Argo CD API server?`,
      );
    }
  }

  #unavailable(
    instance: string,
    spec: RequestSpec,
    failure: NetworkFailure,
    attempt: number,
  ) {
    // The message carries the socket error; a `cause` would only add "fetch failed".
    const tries = attempt > 0 ? ` (${attempt + 1} attempts)` : '';
    if (failure.kind === 'timeout' && spec.refresh && spec.subject.ref) {
      return new ServiceUnavailableError(
        `Argo CD instance '${instance}' did not finish refreshing application '${appLabel(
          spec.subject.ref,
        )}' within ${formatMs(this.#refreshTimeoutMs)}`,
      );
    }
    return new ServiceUnavailableError(
      `Argo CD instance '${instance}' is unreachable: ${failure.detail}${tries}`,
    );
  }

  #toError(
    instance: string,
    spec: RequestSpec,
    status: number,
    text: string,
    body: ArgoErrorBody | undefined,
    attempt: number,
  ): Error {
    const { action, ref, resource } = spec.subject;
    const message =
      body?.message || body?.error || snippet(text) || `HTTP ${status}`;
    const code = typeof body?.code === 'number' ? body.code : undefined;
    const prefix = `Argo CD instance '${instance}'`;
    const app = ref ? `application '${appLabel(ref)}'` : undefined;
    const target = app ?? 'applications';
    const is = (grpc: number, http?: number) =>
      code === grpc || (code === undefined && http === status);

    if (code === GRPC.UNAUTHENTICATED || status === 401) {
      return new NotAllowedError(
        `${prefix} rejected the token (${message}); check gitops.argocd.instances[].token`,
      );
    }
    if (is(GRPC.NOT_FOUND, 404)) {
      if (ref && resource && !/applications?\.argoproj\.io/.test(message)) {
        return new NotFoundError(
          `${prefix}: ${app} has no ${resource.kind} '${resource.name}' (${message})`,
        );
      }
      return ref
        ? new NotFoundError(
            `${prefix} has no ${app}${
              ref.project ? ` in project '${ref.project}'` : ''
            }`,
          )
        : new NotFoundError(`${prefix}: ${message}`);
    }
    if (is(GRPC.PERMISSION_DENIED, 403)) {
      if (/sync window/i.test(message)) {
        return new ConflictError(
          `${prefix} refused to ${action} ${target}: ${message}`,
        );
      }
      if (ref && !ref.project) {
        // Without a project Argo CD answers 403 for a missing app too, so a
        // token learns nothing of apps it may not see
        // (https://argo-cd.readthedocs.io/en/stable/operator-manual/rbac/).
        return new NotAllowedError(
          `${prefix}: ${app} was not found or is not permitted to Shipdeck's token (${message}); set argocd/project-name to tell the two apart`,
        );
      }
      return new NotAllowedError(
        `${prefix} does not permit Shipdeck's token to ${action} ${target}: ${message}`,
      );
    }
    if (
      is(GRPC.FAILED_PRECONDITION) ||
      is(GRPC.ALREADY_EXISTS, 409) ||
      is(GRPC.ABORTED)
    ) {
      return new ConflictError(
        `${prefix} refused to ${action} ${target}: ${message}`,
      );
    }
    if (is(GRPC.INVALID_ARGUMENT, 400)) {
      return new InputError(
        `${prefix} rejected the request to ${action} ${target}: ${message}`,
      );
    }
    const transient =
      TRANSIENT_STATUS.includes(status) ||
      code === GRPC.UNAVAILABLE ||
      code === GRPC.DEADLINE_EXCEEDED;
    const tries = attempt > 0 ? ` (${attempt + 1} attempts)` : '';
    if (transient) {
      if (spec.refresh && ref && (status === 504 || code === 4)) {
        return new ServiceUnavailableError(
          `${prefix} did not finish refreshing ${app}: ${message}`,
        );
      }
      return new ServiceUnavailableError(
        `${prefix} is unreachable: ${spec.method} ${spec.path} answered ${status}: ${message}${tries}`,
      );
    }
    if (status >= 500 || status === 429) {
      return new ServiceUnavailableError(
        `${prefix} failed to ${action} ${target}: ${message} (HTTP ${status}${
          code !== undefined ? `, code ${code}` : ''
        })`,
      );
    }
    return new Error(
      `${prefix} failed to ${action} ${target}: ${message} (HTTP ${status}${
        code !== undefined ? `, code ${code}` : ''
      })`,
    );
  }
}

function appPath(ref: ArgoAppRef) {
  return `/api/v1/applications/${encodeURIComponent(ref.name)}`;
}

/**
 * The list call's `fields` projection (`GET /api/v1/applications?fields=`,
 * https://argo-cd.readthedocs.io/en/stable/developer-guide/api-docs/): paths relative to an
 * Application become `items.`-prefixed. An include list always keeps name
 * and namespace, because apps are keyed by them; a list whose first path
 * starts with `-` drops the paths instead.
 */
function projection(fields: string[]): string {
  const exclude = fields[0].startsWith('-');
  const paths = fields.map(f => {
    const path = f.replace(/^-/, '');
    return path.startsWith('items.') ? path : `items.${path}`;
  });
  if (!exclude && !paths.includes('items.metadata')) {
    for (const key of ['items.metadata.namespace', 'items.metadata.name']) {
      if (!paths.includes(key)) paths.unshift(key);
    }
  }
  const joined = [...new Set(paths)].join(',');
  return exclude ? `-${joined}` : joined;
}

function snippet(text: string) {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}
