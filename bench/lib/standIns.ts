/*
 * Minimal stand-ins for what needs a running Backstage: a signed-in user, an
 * auditor and permission service that do nothing, and an in-memory catalog.
 * Everything else the bench serves is Shipdeck's real code.
 */
import {
  AuditorService,
  AuthService,
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { BENCH_IMAGE, serviceName } from './manifests';

const notInBench = (what: string) => () => {
  throw new Error(`${what} is not available in the bench`);
};

export const benchUser: BackstageCredentials = {
  $$type: '@backstage/BackstageCredentials',
  principal: { type: 'user', userEntityRef: 'user:default/bench' },
};

/** Every request is the bench user, as if Backstage had checked a token. */
export const httpAuth = {
  credentials: async () => benchUser,
  issueUserCookie: notInBench('issueUserCookie'),
} as unknown as HttpAuthService;

export const auth = {
  isPrincipal: (credentials: BackstageCredentials, type: string) =>
    type === 'unknown' ||
    (credentials.principal as { type?: string })?.type === type,
  getNoneCredentials: notInBench('getNoneCredentials'),
  getOwnServiceCredentials: notInBench('getOwnServiceCredentials'),
  authenticate: notInBench('authenticate'),
  getPluginRequestToken: notInBench('getPluginRequestToken'),
  getLimitedUserToken: notInBench('getLimitedUserToken'),
  listPublicServiceKeys: notInBench('listPublicServiceKeys'),
} as unknown as AuthService;

export const auditor: AuditorService = {
  createEvent: async () => ({ success: async () => {}, fail: async () => {} }),
};

export const permissions = {
  authorize: async (requests: unknown[]) =>
    requests.map(() => ({ result: AuthorizeResult.ALLOW })),
  authorizeConditional: async (requests: unknown[]) =>
    requests.map(() => ({ result: AuthorizeResult.ALLOW })),
} as unknown as PermissionsService;

/** Warnings and errors only: a look that fails must show. */
export const logger: LoggerService = {
  error: message => console.error(`[error] ${message}`),
  warn: message => console.error(`[warn] ${message}`),
  info: () => {},
  debug: () => {},
  child: () => logger,
};

/**
 * `services` Components svc-0 … as the catalog would serve them, with
 * relations already computed. Ten teams and five systems, so the owner and
 * system columns are not all alike.
 */
export function syntheticEntities(services: number): Entity[] {
  return Array.from({ length: services }, (_, i) => {
    const owner = `group:default/team-${i % 10}`;
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: serviceName(i),
        namespace: 'default',
        annotations: {
          'argocd/app-name': serviceName(i),
          // The image the shared kustomize path runs, so rows carry a version.
          'shipdeck.io/image': BENCH_IMAGE,
        },
      },
      spec: {
        type: 'service',
        lifecycle: 'production',
        owner,
        system: `shop-${i % 5}`,
      },
      relations: [
        { type: 'ownedBy', targetRef: owner },
        { type: 'partOf', targetRef: `system:default/shop-${i % 5}` },
      ],
    };
  });
}

/** Dotted path into an entity, e.g. `spec.system`. */
function valueAt(entity: Entity, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (value, key) => (value as Record<string, unknown> | undefined)?.[key],
      entity,
    );
}

/**
 * The two reads Shipdeck makes, over an array. Filters match values
 * case-insensitively, as the catalog does.
 */
export function inMemoryCatalog(entities: Entity[]): CatalogService {
  const byRef = new Map(entities.map(e => [stringifyEntityRef(e), e]));
  return {
    async getEntities(request?: { filter?: unknown }) {
      const filter = (request?.filter ?? {}) as Record<string, string>;
      const items = entities.filter(e =>
        Object.entries(filter).every(
          ([path, wanted]) =>
            String(valueAt(e, path) ?? '').toLowerCase() ===
            String(wanted).toLowerCase(),
        ),
      );
      return { items };
    },
    async getEntityByRef(ref: string | CompoundEntityRef) {
      return byRef.get(stringifyEntityRef(parseEntityRef(ref)));
    },
  } as unknown as CatalogService;
}
