import { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const examples: TemplateExample[] = [
  {
    description:
      'Waits for the revision the apply step committed to run, for up to 15 minutes',
    example: `steps:
  - id: wait
    action: gpu-fleet:deployment:wait
    name: Wait until it runs
    input:
      workspace: \${{ steps.deploy.output.workspace }}
      name: \${{ steps.deploy.output.name }}
      revision: \${{ steps.deploy.output.revision }}
      timeoutSeconds: 900
`,
  },
];
