import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Promote staging to production (a pull request where production asks for review)',
    example: yaml.stringify({
      steps: [
        {
          id: 'promote',
          action: 'gitops:promote',
          name: 'Promote to production',
          input: {
            entityRef: 'component:default/cart',
            from: 'staging',
            to: 'production',
          },
        },
      ],
      output: {
        links: [
          {
            title: 'Pull request',
            url: '${{ steps.promote.output.pullRequestUrl }}',
          },
        ],
      },
    }),
  },
  {
    description: 'Show what a promotion would change, without writing',
    example: yaml.stringify({
      steps: [
        {
          id: 'preview',
          action: 'gitops:promote',
          input: {
            entityRef: 'cart',
            from: 'dev',
            to: 'staging',
            dryRun: true,
          },
        },
      ],
    }),
  },
];
