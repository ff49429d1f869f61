import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { stepExample } from './templateExample';

const example = stepExample({
  id: 'manifests',
  action: 'gitops:manifests:create',
  name: 'Manifests',
});

export const examples: TemplateExample[] = [
  example('A Deployment with a kustomize overlay per environment', {
    name: '${{ parameters.name }}',
    image: 'registry.shop.example/shop/${{ parameters.name }}',
    version: '0.1.0',
    port: 8080,
    environments: ['dev', 'staging', 'production'],
    replicas: { production: 3 },
  }),
  example(
    'A blue-green Rollout autoscaled on CPU in production, with a PreSync migration behind a Cloud SQL proxy',
    {
      name: 'payments',
      image: 'registry.shop.example/shop/payments',
      version: '1.0.0',
      environments: ['dev', 'staging', 'production'],
      workload: { kind: 'Rollout', strategy: 'blueGreen' },
      hpa: {
        kind: 'cpu',
        minReplicas: 3,
        maxReplicas: 10,
        environments: ['production'],
      },
      config: { LOG_LEVEL: 'info' },
      migration: {
        args: ['migrate', 'up'],
        envFromSecret: 'payments-db',
        proxy: {
          image: 'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.0',
          args: ['--port=5432', 'shop:europe-west1:payments'],
          port: 5432,
        },
      },
    },
  ),
  example('Helm values files for a chart kept in the manifest repository', {
    name: 'notifier',
    image: 'registry.shop.example/shop/notifier',
    environments: ['dev', 'production'],
    format: 'helm',
    chart: { path: 'charts/web-service' },
  }),
];
