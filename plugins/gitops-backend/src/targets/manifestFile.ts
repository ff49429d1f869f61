import { InputError } from '@backstage/errors';
import { ManifestLocation } from '@shipdeck/plugin-gitops-common';

/**
 * The file a write strategy edits. A kustomize location may name the overlay
 * folder (the usual `{service}/overlays/{env}`), which means its
 * kustomization.yaml; the other strategies edit exactly the file named.
 */
export function manifestFile(manifest: ManifestLocation): string {
  if (/\.ya?ml$/i.test(manifest.path)) {
    return manifest.path;
  }
  if (manifest.strategy === 'kustomize-images') {
    return manifest.path
      ? `${manifest.path}/kustomization.yaml`
      : 'kustomization.yaml';
  }
  throw new InputError(
    `The ${manifest.strategy} strategy edits one YAML file, but ${manifest.repo} path '${manifest.path}' is not a .yaml file`,
  );
}
