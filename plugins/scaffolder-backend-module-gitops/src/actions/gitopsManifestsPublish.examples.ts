import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Publish generated manifests: base and dev/staging committed, production as a pull request',
    example: yaml.stringify({
      steps: [
        {
          id: 'publish',
          action: 'gitops:manifests:publish',
          name: 'Publish manifests',
          input: {
            entityRef: 'component:default/${{ parameters.name }}',
            sourcePath: 'manifests',
          },
        },
      ],
    }),
  },
  {
    description:
      'Publish everything as one pull request, and register the published entity file',
    example: yaml.stringify({
      steps: [
        {
          id: 'publish',
          action: 'gitops:manifests:publish',
          name: 'Open a pull request',
          input: {
            entityRef: 'component:default/${{ parameters.name }}',
            sourcePath: 'manifests',
            pullRequest: true,
            catalogInfoPath: '${{ parameters.name }}/catalog-info.yaml',
          },
        },
        {
          id: 'register',
          action: 'catalog:register',
          name: 'Register',
          input: {
            catalogInfoUrl: '${{ steps.publish.output.catalogInfoUrl }}',
          },
        },
      ],
    }),
  },
];
