/*
 * Shipdeck as plugin.ts builds it (createGitopsServices) for a bench: the
 * synthetic services svc-0 … in three environments (one Argo CD instance
 * each), SQLite in a temporary folder, the REST API on a free port. Only
 * catalog, auth, auditor and permissions are stand-ins.
 */
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { HttpArgoCdClient } from '../../plugins/gitops-backend/src/argocd/HttpArgoCdClient';
import {
  createGitopsServices,
  createGitopsStores,
  GitopsServices,
  GitopsStores,
} from '../../plugins/gitops-backend/src/createGitopsServices';
import { ENVIRONMENTS } from './argocdFleet';
import { benchDatabase } from './database';
import { serveShipdeck } from './serveShipdeck';
import {
  auth,
  inMemoryCatalog,
  logger,
  permissions,
  syntheticEntities,
} from './standIns';

export interface BenchShipdeck {
  services: GitopsServices;
  /** The unwrapped client and stores, for counting. */
  client: HttpArgoCdClient;
  stores: GitopsStores;
  /** http://127.0.0.1:<port>/api/gitops */
  url: string;
  close(): Promise<void>;
}

export async function startBenchShipdeck(options: {
  /** The synthetic services svc-0 … in three environments. */
  services?: number;
  /** Argo CD instances named after ENVIRONMENTS (none: nothing is looked at). */
  instances?: Array<{ name: string; url: string; token: string }>;
  /** Another setup than the synthetic one: its `gitops` config and entities. */
  setup?: { gitops: JsonObject; entities: Entity[] };
  /** Instrumented views of the client and stores, handed to the services. */
  wrapArgocd?: (client: HttpArgoCdClient) => HttpArgoCdClient;
  wrapStores?: (stores: GitopsStores) => GitopsStores;
}): Promise<BenchShipdeck> {
  const db = await benchDatabase();
  const instances =
    options.instances ??
    ENVIRONMENTS.map(name => ({
      name,
      url: 'http://127.0.0.1:9',
      token: 'unused',
    }));
  const config = new ConfigReader({
    gitops: options.setup?.gitops ?? {
      environments: ENVIRONMENTS.map(name => ({ name, argocdInstance: name })),
      // Needed for entities to count as managed; reads never open it.
      manifests: { repo: 'local:bench' },
      argocd: { instances },
    },
  });
  const client = HttpArgoCdClient.fromConfig(config, { logger });
  const stores = await createGitopsStores({ database: db.database });
  const services = await createGitopsServices({
    config,
    logger,
    database: db.database,
    auth,
    permissions,
    catalog: inMemoryCatalog(
      options.setup?.entities ?? syntheticEntities(options.services ?? 0),
    ),
    argocd: options.wrapArgocd?.(client) ?? client,
    stores: options.wrapStores?.(stores) ?? stores,
  });
  const http = await serveShipdeck(services);
  return {
    services,
    client,
    stores,
    url: http.url,
    async close() {
      await http.close();
      await db.close();
    },
  };
}
