/**
 * Catalog annotations Shipdeck reads.
 *
 * The `argocd/*` keys are the ones the existing Backstage Argo CD plugins use,
 * so a catalog that already works with them works with Shipdeck unchanged.
 *
 * @public
 */
export const ARGOCD_ANNOTATIONS = {
  appName: 'argocd/app-name',
  appSelector: 'argocd/app-selector',
  instanceName: 'argocd/instance-name',
  projectName: 'argocd/project-name',
  appNamespace: 'argocd/app-namespace',
} as const;

/**
 * Shipdeck's own annotations; each overrides the matching `gitops.manifests.*`
 * config default for one entity.
 *
 * @public
 */
export const SHIPDECK_ANNOTATIONS = {
  /** Manifest repository, e.g. `github.com/acme/deploy` or `local:demo`. */
  manifestRepo: 'shipdeck.io/manifest-repo',
  /** Path template inside the manifest repo, with `{env}` and `{service}`. */
  manifestPath: 'shipdeck.io/manifest-path',
  /** `kustomize-images`, `helm-values` or `raw-image`. */
  writeStrategy: 'shipdeck.io/write-strategy',
  /** Strategy-specific key, e.g. `image.tag` for `helm-values`. */
  writeKey: 'shipdeck.io/write-key',
  /** The container image the service ships, e.g. `ghcr.io/acme/cart`. */
  image: 'shipdeck.io/image',
  /** Comma-separated environments the service runs in; default: all configured. */
  environments: 'shipdeck.io/environments',
  /** The service's source repository, to turn a branch into a version. */
  sourceRepo: 'shipdeck.io/source-repo',
} as const;

/**
 * Whether an entity carries any annotation Shipdeck acts on. Entities without
 * one are shown what to add instead of an empty pipeline.
 *
 * @public
 */
export function hasGitopsAnnotations(entity: {
  metadata: { annotations?: Record<string, string> };
}): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return [
    ...Object.values(SHIPDECK_ANNOTATIONS),
    ...Object.values(ARGOCD_ANNOTATIONS),
  ].some(key => key in annotations);
}
