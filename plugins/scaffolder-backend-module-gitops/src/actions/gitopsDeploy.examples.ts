import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Deploy a version to dev and wait until it is healthy',
    example: yaml.stringify({
      steps: [
        {
          id: 'deploy',
          action: 'gitops:deploy',
          name: 'Deploy to dev',
          input: {
            entityRef: 'component:default/cart',
            environment: 'dev',
            version: '${{ parameters.version }}',
            wait: true,
            timeoutSeconds: 600,
          },
        },
      ],
    }),
  },
  {
    description:
      'Deploy the head build of a branch (needs shipdeck.io/source-repo)',
    example: yaml.stringify({
      steps: [
        {
          id: 'deploy',
          action: 'gitops:deploy',
          name: 'Deploy a branch',
          input: {
            entityRef: 'cart',
            environment: 'staging',
            gitRef: 'release/1.4',
          },
        },
      ],
    }),
  },
];
