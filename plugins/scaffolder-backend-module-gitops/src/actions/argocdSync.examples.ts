import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Sync production and wait up to ten minutes for it to be healthy',
    example: yaml.stringify({
      steps: [
        {
          id: 'sync',
          action: 'argocd:sync',
          name: 'Sync production',
          input: {
            entityRef: 'component:default/cart',
            environment: 'production',
            timeoutSeconds: 600,
          },
        },
      ],
    }),
  },
  {
    description: 'Start a sync with pruning and do not wait',
    example: yaml.stringify({
      steps: [
        {
          id: 'sync',
          action: 'argocd:sync',
          input: {
            entityRef: 'cart',
            environment: 'dev',
            prune: true,
            wait: false,
          },
        },
      ],
    }),
  },
];
