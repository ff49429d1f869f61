import { Document } from 'yaml';
import { PORT_NAME, selectorLabels } from './podTemplate';
import { ServiceSpec } from './types';
import { previewServiceName } from './workload';
import { yamlDocument } from './yamlDocument';

export const SERVICE_PORT = 80;

function service(spec: ServiceSpec, name: string, comment: string): Document {
  return yamlDocument(
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, labels: selectorLabels(spec) },
      spec: {
        type: 'ClusterIP',
        selector: selectorLabels(spec),
        ports: [{ name: PORT_NAME, port: SERVICE_PORT, targetPort: PORT_NAME }],
      },
    },
    { comments: [[[], comment]] },
  );
}

/** The Service, and for blue-green the preview Service the Rollout switches. */
export function serviceDocuments(spec: ServiceSpec): Document[] {
  const docs = [
    service(
      spec,
      spec.name,
      `Port ${SERVICE_PORT} inside the cluster, to the container's named port.`,
    ),
  ];
  const workload = spec.workload;
  if (workload.kind === 'Rollout' && workload.strategy === 'blueGreen') {
    docs.push(
      service(
        spec,
        previewServiceName(spec),
        'The new version before promotion, for checks; the Rollout points it at the new pods.',
      ),
    );
  }
  return docs;
}
