import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { stepExample } from './templateExample';

const example = stepExample({
  id: 'applications',
  action: 'argocd:application:create',
  name: 'Argo CD Applications',
});

export const examples: TemplateExample[] = [
  example(
    'Applications for the kustomize overlays of gitops:manifests:create',
    {
      name: '${{ parameters.name }}',
      environments: ['dev', 'staging', 'production'],
      repoURL: 'https://github.com/acme/deploy.git',
      sourcePath: '{service}/overlays/{env}',
    },
  ),
  example(
    'Applications for a Helm chart from a Helm repository, values from the manifest repository',
    {
      name: 'notifier',
      environments: ['dev', 'production'],
      repoURL: 'https://github.com/acme/deploy.git',
      project: 'shop',
      helm: {
        chart: {
          repoURL: 'https://charts.acme.example',
          chart: 'web-service',
          version: '1.2.0',
        },
        valueFiles: ['{service}/values.yaml', '{service}/values-{env}.yaml'],
      },
      automated: { dev: true, production: false },
    },
  ),
];
