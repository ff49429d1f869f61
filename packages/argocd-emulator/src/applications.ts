import { parseAllDocuments } from 'yaml';
import { GitRepo } from './repo';
import { compareStrings } from './resources';

/** An Argo CD Application source (the fields the emulator reads). */
export interface ApplicationSource {
  repoURL?: string;
  path?: string;
  targetRevision?: string;
  chart?: string;
  helm?: {
    valueFiles?: string[];
    values?: string;
    valuesObject?: Record<string, unknown>;
    parameters?: Array<{ name: string; value: string }>;
    releaseName?: string;
    ignoreMissingValueFiles?: boolean;
  };
  directory?: { recurse?: boolean };
  [key: string]: unknown;
}

/** An Argo CD Application as declared in Git (spec only; status is computed). */
export interface DeclaredApplication {
  apiVersion: string;
  kind: 'Application';
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: Record<string, unknown> & {
    project: string;
    source?: ApplicationSource;
    sources?: ApplicationSource[];
    destination?: { server?: string; name?: string; namespace?: string };
    syncPolicy?: {
      automated?: {
        prune?: boolean;
        selfHeal?: boolean;
        enabled?: boolean;
        allowEmpty?: boolean;
      } | null;
      syncOptions?: string[];
      retry?: Record<string, unknown>;
    };
    revisionHistoryLimit?: number;
  };
}

/** Where Applications live in the repository (app of apps). */
export const APPLICATIONS_DIR = 'argocd';

/** Argo CD's control-plane namespace, the default for Applications. */
export const DEFAULT_APP_NAMESPACE = 'argocd';

/** (namespace, name): the key of an Application. */
export function appKey(namespace: string | undefined, name: string): string {
  return `${namespace || DEFAULT_APP_NAMESPACE}/${name}`;
}

/** Whether automated sync is on (`automated` present and not `enabled: false`). */
export function isAutomated(app: DeclaredApplication): boolean {
  const automated = app.spec.syncPolicy?.automated;
  return !!automated && automated.enabled !== false;
}

/** Parses the YAML documents of one file into the Applications among them. */
export function parseApplications(
  file: string,
  text: string,
): DeclaredApplication[] {
  const found: DeclaredApplication[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) {
      throw new Error(`${file}: ${doc.errors[0].message}`);
    }
    const value = doc.toJS();
    if (
      value?.kind === 'Application' &&
      typeof value?.apiVersion === 'string' &&
      value.apiVersion.startsWith('argoproj.io/') &&
      typeof value?.metadata?.name === 'string'
    ) {
      value.spec = value.spec ?? {};
      value.spec.project = value.spec.project || 'default';
      found.push(value as DeclaredApplication);
    }
  }
  return found;
}

/**
 * Reads every Application declared under `argocd/` at a revision, the way an
 * app-of-apps Application would: straight from Git, not from a working tree.
 * Sorted by name; a later duplicate (namespace, name) is ignored.
 */
export async function readDeclaredApplications(
  repo: GitRepo | string,
  revision: string,
): Promise<{ sha: string; applications: DeclaredApplication[] }> {
  const git = typeof repo === 'string' ? new GitRepo(repo) : repo;
  const sha = await git.resolve(revision);
  if (!sha) throw new Error(`unable to resolve '${revision}' to a commit SHA`);
  return { sha, applications: await readApplicationsAt(git, sha) };
}

/** The Applications under `argocd/` of one commit. */
export async function readApplicationsAt(
  git: GitRepo,
  sha: string,
): Promise<DeclaredApplication[]> {
  const tree = await git.tree(sha);
  const files = [...tree.entries()].filter(
    ([path, entry]) =>
      entry.type === 'blob' &&
      path.startsWith(`${APPLICATIONS_DIR}/`) &&
      /\.(ya?ml|json)$/.test(path),
  );
  files.sort(([a], [b]) => (a < b ? -1 : 1));
  const blobs = await git.readBlobs(files.map(([, entry]) => entry.id));
  const seen = new Set<string>();
  const applications: DeclaredApplication[] = [];
  for (const [path, entry] of files) {
    const text = blobs.get(entry.id)?.toString('utf8') ?? '';
    for (const app of parseApplications(path, text)) {
      const key = appKey(app.metadata.namespace, app.metadata.name);
      if (seen.has(key)) continue;
      seen.add(key);
      applications.push(app);
    }
  }
  applications.sort((a, b) => compareStrings(a.metadata.name, b.metadata.name));
  return applications;
}
