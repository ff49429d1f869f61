import { Document } from 'yaml';
import { selectorLabels } from './podTemplate';
import { ServiceSpec } from './types';
import { yamlDocument } from './yamlDocument';

export function pdbDocument(spec: ServiceSpec): Document {
  return yamlDocument(
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: spec.name },
      spec: {
        maxUnavailable: 1,
        selector: { matchLabels: selectorLabels(spec) },
      },
    },
    {
      comments: [
        [
          ['spec', 'maxUnavailable'],
          'Node drains and upgrades evict one pod at a time, so the service keeps serving.',
        ],
      ],
    },
  );
}
