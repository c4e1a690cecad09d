import { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const examples: TemplateExample[] = [
  {
    description:
      'Creates a one-GPU vLLM service (or commits its next revision when it exists)',
    example: `steps:
  - id: deploy
    action: gpu-fleet:deployment:apply
    name: Commit and deliver
    input:
      manifest:
        kind: Service
        template: vllm
        name: llama-chat
        workspace: ml-inference
        image: vllm/vllm-openai:v0.8.5
        model: meta-llama/Llama-3.1-8B-Instruct
        resources:
          gpu: { type: H100, count: 1 }
          cpu: 8
          memory: 64Gi
        capacityType: spot-with-fallback
`,
  },
  {
    description:
      'Deploys a 2-worker RDMA MPIJob, then links to its page and catalog entry',
    example: `steps:
  - id: deploy
    action: gpu-fleet:deployment:apply
    name: Commit and deliver
    input:
      manifest:
        kind: Job
        template: mpijob
        name: bert-rdma
        workspace: training
        image: ghcr.io/example/bert-train:1.4
        resources:
          gpu: { type: H100, count: 8 }
          cpu: 64
          memory: 512Gi
        mpi:
          workers: 2
          gpusPerWorker: 8
          rdma: { enabled: true, shmSize: 64Gi }
output:
  links:
    - title: Deployment
      url: \${{ steps.deploy.output.pagePath }}
    - title: Open in catalog
      icon: catalog
      entityRef: \${{ steps.deploy.output.entityRef }}
`,
  },
];
