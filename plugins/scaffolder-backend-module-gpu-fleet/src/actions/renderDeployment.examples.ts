import { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const examples: TemplateExample[] = [
  {
    description: 'Shows what a one-GPU vLLM service would commit, and where',
    example: `steps:
  - id: render
    action: gpu-fleet:deployment:render
    name: Render the manifest
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
        replicas: { min: 1, max: 2 }
`,
  },
  {
    description:
      'Renders an MPIJob from the form, with the fields as parameters',
    example: `steps:
  - id: render
    action: gpu-fleet:deployment:render
    name: Render the training run
    input:
      manifest:
        kind: Job
        template: mpijob
        name: \${{ parameters.name }}
        workspace: \${{ parameters.placement.workspace }}
        image: \${{ parameters.image }}
        resources:
          gpu:
            type: \${{ parameters.placement.gpuType }}
            count: \${{ parameters.placement.gpuCount }}
          cpu: 32
          memory: 256Gi
        mpi:
          workers: \${{ parameters.workers }}
          gpusPerWorker: \${{ parameters.placement.gpuCount }}
`,
  },
];
