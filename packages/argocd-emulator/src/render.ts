import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { ApplicationSource } from './applications';
import { renderHelmChart } from './helm';
import { GitRepo, TreeEntry } from './repo';
import { Resource, shortHash, stableStringify, toResource } from './resources';

/** Argo CD's `status.sourceType`. */
export type SourceType = 'Kustomize' | 'Helm' | 'Directory';

export interface RenderResult {
  sourceType: SourceType;
  /** Every rendered object, hooks included. */
  resources: Resource[];
  /** What the render depended on; equal keys render equally. */
  key: string;
}

export interface RenderTarget {
  sha: string;
  source: ApplicationSource;
  /** The Application's name: Helm's default release name. */
  appName: string;
  /** `spec.destination.namespace`: the namespace of namespaced objects without one. */
  namespace: string;
}

const KUSTOMIZATION_FILES = [
  'kustomization.yaml',
  'kustomization.yml',
  'Kustomization',
];

type Tree = Map<string, TreeEntry>;

/** Joins and normalises repository paths; undefined when leaving the root. */
export function joinRepoPath(
  base: string,
  relative: string,
): string | undefined {
  const parts = base ? base.split('/') : [];
  for (const part of relative.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else {
      parts.push(part);
    }
  }
  return parts.join('/');
}

function cleanPath(path: string | undefined): string {
  return joinRepoPath('', path ?? '') ?? '';
}

function kustomizationIn(tree: Tree, dir: string): TreeEntry | undefined {
  for (const name of KUSTOMIZATION_FILES) {
    const entry = tree.get(dir ? `${dir}/${name}` : name);
    if (entry?.type === 'blob') return entry;
  }
  return undefined;
}

/** Argo CD's source type detection (explicit settings first, then files). */
export function detectSourceType(
  tree: Tree,
  path: string,
  source: ApplicationSource,
): SourceType {
  if (source.chart || source.helm) return 'Helm';
  if (source.kustomize) return 'Kustomize';
  if (source.directory) return 'Directory';
  if (kustomizationIn(tree, path)) return 'Kustomize';
  if (tree.get(path ? `${path}/Chart.yaml` : 'Chart.yaml')?.type === 'blob') {
    return 'Helm';
  }
  return 'Directory';
}

/** Runs at most `limit` renders at once (kubectl processes are not free). */
class Limiter {
  private active = 0;
  private readonly queue: Array<() => void> = [];
  constructor(private readonly limit: number) {}
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) {
      await new Promise<void>(resolve => this.queue.push(resolve));
    }
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}

function isRemote(ref: string): boolean {
  return (
    /^[a-z]+:\/\//i.test(ref) ||
    /^(github\.com|gitlab\.com|git@)/.test(ref) ||
    ref.includes('?ref=')
  );
}

/**
 * Renders Applications' sources at a commit: Kustomize through
 * `kubectl kustomize` on a temporary checkout of just the paths involved,
 * Helm through the small renderer in helm.ts, plain directories by parsing
 * their YAML/JSON. Results are cached by a key made of the Git object ids the
 * render depends on, so a commit elsewhere in the repository re-renders
 * nothing.
 */
export class Renderer {
  private readonly cache = new Map<string, Promise<RenderResult>>();
  private readonly kustomizeDeps = new Map<string, Promise<string[]>>();
  private readonly limiter: Limiter;

  constructor(
    private readonly repo: GitRepo,
    private readonly options: {
      kubectl?: string;
      concurrency?: number;
      cacheSize?: number;
    } = {},
  ) {
    this.limiter = new Limiter(options.concurrency ?? 4);
  }

  /** Renders (or returns the cached render of) a source at a commit. */
  async render(
    target: RenderTarget,
    options: { noCache?: boolean } = {},
  ): Promise<RenderResult> {
    const tree = await this.repo.tree(target.sha);
    const path = cleanPath(target.source.path);
    const entry = tree.get(path);
    if (target.source.chart) {
      throw new Error(
        'Helm repository charts (spec.source.chart) are not supported by the emulator; use a chart directory in Git',
      );
    }
    if (!entry || entry.type !== 'tree') {
      throw new Error(`${target.source.path ?? '.'}: app path does not exist`);
    }
    const sourceType = detectSourceType(tree, path, target.source);
    const deps = await this.dependencies(tree, path, sourceType, target.source);
    const key = shortHash(
      stableStringify({
        sourceType,
        deps: deps.map(d => `${d}:${tree.get(d)?.id ?? '-'}`),
        source: {
          ...target.source,
          targetRevision: undefined,
          repoURL: undefined,
        },
        appName: sourceType === 'Helm' ? target.appName : undefined,
        namespace: target.namespace,
      }),
      32,
    );
    if (!options.noCache) {
      const cached = this.cache.get(key);
      if (cached) return cached;
    }
    const promise = this.limiter.run(() =>
      this.renderUncached(tree, path, sourceType, deps, target, key),
    );
    this.cache.set(key, promise);
    promise.catch(() => this.cache.delete(key));
    if (this.cache.size > (this.options.cacheSize ?? 1024)) {
      this.cache.delete(this.cache.keys().next().value as string);
    }
    return promise;
  }

  /** Paths (directories or files) whose content the render reads. */
  private async dependencies(
    tree: Tree,
    path: string,
    sourceType: SourceType,
    source: ApplicationSource,
  ): Promise<string[]> {
    if (sourceType === 'Kustomize') {
      const found = new Set<string>();
      await this.collectKustomize(tree, path, found);
      return [...found].sort();
    }
    if (sourceType === 'Helm') {
      const deps = new Set([path]);
      for (const file of source.helm?.valueFiles ?? []) {
        const p = joinRepoPath(path, file);
        if (p !== undefined && tree.has(p)) deps.add(p);
      }
      return [...deps].sort();
    }
    return [path];
  }

  private async collectKustomize(tree: Tree, dir: string, found: Set<string>) {
    if (found.has(dir)) return;
    found.add(dir);
    const file = kustomizationIn(tree, dir);
    if (!file) return;
    let loading = this.kustomizeDeps.get(file.id);
    if (!loading) {
      loading = this.repo
        .readBlobs([file.id])
        .then(blobs =>
          kustomizeReferences(blobs.get(file.id)?.toString('utf8') ?? ''),
        );
      this.kustomizeDeps.set(file.id, loading);
      loading.catch(() => this.kustomizeDeps.delete(file.id));
    }
    const refs = await loading;
    for (const ref of refs) {
      if (isRemote(ref)) continue;
      const p = joinRepoPath(dir, ref);
      if (p === undefined || p === dir || p.startsWith(`${dir}/`)) continue;
      const entry = tree.get(p);
      if (entry?.type === 'tree') await this.collectKustomize(tree, p, found);
      else if (entry?.type === 'blob') found.add(p);
    }
  }

  private async renderUncached(
    tree: Tree,
    path: string,
    sourceType: SourceType,
    deps: string[],
    target: RenderTarget,
    key: string,
  ): Promise<RenderResult> {
    let manifests: Record<string, any>[];
    if (sourceType === 'Kustomize') {
      manifests = await this.renderKustomize(tree, path, deps);
    } else if (sourceType === 'Helm') {
      manifests = await this.renderHelm(tree, path, target);
    } else {
      manifests = await this.renderDirectory(
        tree,
        path,
        !!target.source.directory?.recurse,
      );
    }
    const resources: Resource[] = [];
    const seen = new Set<string>();
    for (const manifest of flattenLists(manifests)) {
      const resource = toResource(manifest, target.namespace);
      if (resource && !seen.has(resource.key)) {
        seen.add(resource.key);
        resources.push(resource);
      }
    }
    return { sourceType, resources, key };
  }

  private blobsUnder(tree: Tree, dir: string): Array<[string, TreeEntry]> {
    const prefix = dir ? `${dir}/` : '';
    return [...tree.entries()].filter(
      ([p, e]) => e.type === 'blob' && (p === dir || p.startsWith(prefix)),
    );
  }

  private async renderKustomize(tree: Tree, path: string, deps: string[]) {
    const files = new Map<string, TreeEntry>();
    for (const dep of deps) {
      for (const [p, e] of this.blobsUnder(tree, dep)) files.set(p, e);
    }
    const blobs = await this.repo.readBlobs([...files.values()].map(e => e.id));
    const scratch = await mkdtemp(join(tmpdir(), 'argocd-emulator-render-'));
    try {
      for (const [p, e] of files) {
        const target = join(scratch, p);
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, blobs.get(e.id) ?? '');
      }
      const out = await new Promise<string>((resolve, reject) => {
        execFile(
          this.options.kubectl ?? 'kubectl',
          ['kustomize', join(scratch, path)],
          { maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
          (error, stdout, stderr) => {
            if (error) {
              const message = (stderr || error.message)
                .split(scratch)
                .join('')
                .trim();
              reject(new Error(`kustomize build ${path} failed: ${message}`));
            } else {
              resolve(stdout);
            }
          },
        );
      });
      return parseManifests(out, path);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  private async renderHelm(tree: Tree, path: string, target: RenderTarget) {
    const chartFiles = this.blobsUnder(tree, path);
    const helm = target.source.helm ?? {};
    const extra: Array<[string, TreeEntry]> = [];
    for (const file of helm.valueFiles ?? []) {
      const p = joinRepoPath(path, file);
      const e = p === undefined ? undefined : tree.get(p);
      if (p !== undefined && e?.type === 'blob') extra.push([p, e]);
    }
    const blobs = await this.repo.readBlobs(
      [...chartFiles, ...extra].map(([, e]) => e.id),
    );
    const prefix = path ? `${path}/` : '';
    return renderHelmChart({
      releaseName: helm.releaseName || target.appName,
      namespace: target.namespace,
      files: chartFiles.map(([p]) => p.slice(prefix.length)),
      readFile: relative => {
        const p = joinRepoPath(path, relative);
        const e = p === undefined ? undefined : tree.get(p);
        return e?.type === 'blob'
          ? blobs.get(e.id)?.toString('utf8')
          : undefined;
      },
      valueFiles: helm.valueFiles,
      values: helm.values,
      valuesObject: helm.valuesObject,
      parameters: helm.parameters,
      ignoreMissingValueFiles: helm.ignoreMissingValueFiles,
    }).manifests;
  }

  private async renderDirectory(tree: Tree, path: string, recurse: boolean) {
    const prefix = path ? `${path}/` : '';
    const files = this.blobsUnder(tree, path)
      .filter(([p]) => /\.(ya?ml|json)$/.test(p))
      .filter(([p]) => recurse || !p.slice(prefix.length).includes('/'))
      .sort(([a], [b]) => (a < b ? -1 : 1));
    const blobs = await this.repo.readBlobs(files.map(([, e]) => e.id));
    const manifests: Record<string, any>[] = [];
    for (const [p, e] of files) {
      manifests.push(
        ...parseManifests(blobs.get(e.id)?.toString('utf8') ?? '', p),
      );
    }
    return manifests;
  }
}

/** Every local path a kustomization refers to (resources, patches, generator files…). */
export function kustomizeReferences(text: string): string[] {
  let k: any;
  try {
    k = parse(text) ?? {};
  } catch {
    return [];
  }
  const refs: string[] = [];
  const add = (value: unknown) => {
    if (typeof value === 'string' && value && !value.includes('\n'))
      refs.push(value);
  };
  for (const field of [
    'resources',
    'bases',
    'components',
    'crds',
    'generators',
    'transformers',
    'validators',
    'patchesStrategicMerge',
  ]) {
    if (Array.isArray(k[field])) k[field].forEach(add);
  }
  for (const field of ['patches', 'patchesJson6902', 'replacements']) {
    if (Array.isArray(k[field])) k[field].forEach((p: any) => add(p?.path));
  }
  for (const field of ['configMapGenerator', 'secretGenerator']) {
    if (!Array.isArray(k[field])) continue;
    for (const g of k[field]) {
      for (const f of [...(g?.files ?? []), ...(g?.envs ?? []), g?.env]) {
        if (typeof f === 'string')
          add(f.includes('=') ? f.slice(f.indexOf('=') + 1) : f);
      }
    }
  }
  add(k.openapi?.path);
  return refs;
}

function parseManifests(text: string, file: string): Record<string, any>[] {
  const manifests: Record<string, any>[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0].message}`);
    const value = doc.toJS();
    if (value && typeof value === 'object' && !Array.isArray(value))
      manifests.push(value);
  }
  return manifests;
}

function flattenLists(manifests: Record<string, any>[]): Record<string, any>[] {
  const out: Record<string, any>[] = [];
  for (const m of manifests) {
    if (
      typeof m.kind === 'string' &&
      m.kind.endsWith('List') &&
      Array.isArray(m.items)
    ) {
      out.push(...flattenLists(m.items));
    } else {
      out.push(m);
    }
  }
  return out;
}
