import { helmValuesFiles } from './helmValues';
import { kustomizeFiles } from './kustomize';
import { GeneratedFile, ServiceSpec } from './types';

/** Every file of a new service, in memory; nothing is written here. */
export function generateManifests(spec: ServiceSpec): GeneratedFile[] {
  const layout = spec.layout;
  return layout.format === 'kustomize'
    ? kustomizeFiles(spec, layout.basePath)
    : helmValuesFiles(spec, layout.commonValuesPath);
}
