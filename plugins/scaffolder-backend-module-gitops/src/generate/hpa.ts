import { Document } from 'yaml';
import { Hpa, ServiceSpec } from './types';
import { workloadRef } from './workload';
import { yamlDocument } from './yamlDocument';

function metric(hpa: Hpa) {
  if (hpa.kind === 'cpu') {
    return {
      type: 'Resource',
      resource: {
        name: 'cpu',
        target: {
          type: 'Utilization',
          averageUtilization: hpa.targetCPUUtilizationPercentage,
        },
      },
    };
  }
  return {
    type: 'External',
    external: {
      metric: {
        name: hpa.metricName,
        ...(hpa.selector && { selector: hpa.selector }),
      },
      target: { type: 'AverageValue', averageValue: hpa.targetAverageValue },
    },
  };
}

/** An autoscaling/v2 HPA for the workload in one environment. */
export function hpaDocument(spec: ServiceSpec, hpa: Hpa): Document {
  return yamlDocument(
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: spec.name },
      spec: {
        scaleTargetRef: workloadRef(spec),
        minReplicas: hpa.minReplicas,
        maxReplicas: hpa.maxReplicas,
        metrics: [metric(hpa)],
      },
    },
    {
      comments: [
        [
          ['spec', 'minReplicas'],
          'The HPA owns the replica count here: the overlay removes spec.replicas\nfrom the workload, so a sync does not reset what the HPA scaled to.',
        ],
      ],
    },
  );
}
