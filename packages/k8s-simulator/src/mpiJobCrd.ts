/** The Kubeflow MPI Operator's MPIJob CRD (kubeflow.org/v2beta1), preinstalled like on GPU clusters. */

import { KubeObject } from './kubeObject';

const replicaSpec = {
  type: 'object',
  properties: {
    replicas: { type: 'integer', minimum: 0 },
    restartPolicy: {
      type: 'string',
      enum: ['Always', 'OnFailure', 'Never', 'ExitCode'],
    },
    template: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
  },
};

export function mpiJobCrd(): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'mpijobs.kubeflow.org' },
    spec: {
      group: 'kubeflow.org',
      names: {
        kind: 'MPIJob',
        listKind: 'MPIJobList',
        plural: 'mpijobs',
        singular: 'mpijob',
        shortNames: ['mpij'],
      },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v2beta1',
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: {
                  type: 'object',
                  required: ['mpiReplicaSpecs'],
                  properties: {
                    slotsPerWorker: { type: 'integer' },
                    runLauncherAsWorker: { type: 'boolean' },
                    sshAuthMountPath: { type: 'string' },
                    launcherCreationPolicy: {
                      type: 'string',
                      enum: ['AtStartup', 'WaitForWorkersReady'],
                    },
                    mpiImplementation: {
                      type: 'string',
                      enum: ['OpenMPI', 'Intel', 'MPICH'],
                    },
                    runPolicy: {
                      type: 'object',
                      'x-kubernetes-preserve-unknown-fields': true,
                    },
                    mpiReplicaSpecs: {
                      type: 'object',
                      properties: {
                        Launcher: replicaSpec,
                        Worker: replicaSpec,
                      },
                    },
                  },
                },
                status: {
                  type: 'object',
                  'x-kubernetes-preserve-unknown-fields': true,
                },
              },
            },
          },
        },
      ],
    },
  };
}
