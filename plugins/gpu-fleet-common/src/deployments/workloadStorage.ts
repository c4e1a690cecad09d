import type { KubeObject } from '../workspaces/workspaceObjects';
import type { DeploymentStorage } from './manifestSchema';
import { RenderError } from './renderContext';

/** Pinned images for the init container that pulls weights from object storage. */
export const FETCH_WEIGHTS_IMAGES = {
  /** `aws s3 sync` copies a prefix and skips what a restarted pod already has. */
  s3: 'amazon/aws-cli:2.22.0',
  /** One file over HTTP(S), following redirects (Hugging Face resolve URLs redirect). */
  http: 'curlimages/curl:8.11.1',
} as const;

/**
 * Where object storage is pulled to when `into: nvme` and the manifest names
 * no path: each deployment gets its own directory under this one.
 */
export const NVME_PULL_ROOT = '/mnt/nvme/gpu-fleet';

export interface StorageParts {
  claims: KubeObject[];
  volumes: Array<Record<string, unknown>>;
  volumeMounts: Array<Record<string, unknown>>;
  initContainers: Array<Record<string, unknown>>;
}

export interface StorageTarget {
  /** Field path of the storage in the manifest, for errors: `storage`, `mpi.checkpointStorage`. */
  field: string;
  /** The pod volume's name: `weights`, `checkpoints`. */
  volumeName: string;
  deploymentName: string;
  namespace: string;
  labels: Record<string, string>;
}

/** Whether the storage mounts a path of the node, which only privileged namespaces admit. */
export function usesHostPath(storage: DeploymentStorage): boolean {
  return (
    (storage.kind === 'local-nvme' && storage.mode === 'hostPath') ||
    (storage.kind === 'object-storage' && storage.into === 'nvme')
  );
}

function fetchContainer(
  storage: Extract<DeploymentStorage, { kind: 'object-storage' }>,
  target: StorageTarget,
): Record<string, unknown> {
  const url = new URL(storage.url);
  const volumeMounts = [
    { name: target.volumeName, mountPath: storage.mountPath },
  ];
  if (url.protocol === 's3:') {
    return {
      name: 'fetch-weights',
      image: FETCH_WEIGHTS_IMAGES.s3,
      args: ['s3', 'sync', storage.url, storage.mountPath],
      volumeMounts,
    };
  }
  if (url.protocol === 'https:' || url.protocol === 'http:') {
    const file = url.pathname.split('/').filter(Boolean).pop() ?? 'model';
    return {
      name: 'fetch-weights',
      image: FETCH_WEIGHTS_IMAGES.http,
      args: [
        '--fail',
        '--location',
        '--silent',
        '--show-error',
        '--create-dirs',
        '--output',
        `${storage.mountPath}/${file}`,
        storage.url,
      ],
      volumeMounts,
    };
  }
  throw new RenderError(
    `${target.field}.url`,
    `${url.protocol}// is not supported; use s3:// or https://`,
  );
}

/** The claims, volumes, mounts and init containers one storage entry of the manifest needs. */
export function renderStorage(
  storage: DeploymentStorage,
  target: StorageTarget,
): StorageParts {
  const parts: StorageParts = {
    claims: [],
    volumes: [],
    volumeMounts: [],
    initContainers: [],
  };
  const name = target.volumeName;
  switch (storage.kind) {
    case 'rwx': {
      const claimName = `${target.deploymentName}-${name}`;
      parts.claims.push({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: {
          name: claimName,
          namespace: target.namespace,
          labels: { ...target.labels },
        },
        spec: {
          accessModes: ['ReadWriteMany'],
          storageClassName: storage.storageClass,
          resources: { requests: { storage: storage.size } },
        },
      });
      parts.volumes.push({ name, persistentVolumeClaim: { claimName } });
      parts.volumeMounts.push({ name, mountPath: storage.mountPath });
      break;
    }
    case 'local-nvme':
      parts.volumes.push(
        storage.mode === 'hostPath'
          ? {
              name,
              hostPath: { path: storage.path, type: 'DirectoryOrCreate' },
            }
          : {
              // One claim per pod on its own node's local disk, gone with the pod.
              name,
              ephemeral: {
                volumeClaimTemplate: {
                  metadata: { labels: { ...target.labels } },
                  spec: {
                    accessModes: ['ReadWriteOnce'],
                    storageClassName: storage.storageClass,
                    resources: { requests: { storage: storage.size } },
                  },
                },
              },
            },
      );
      parts.volumeMounts.push({ name, mountPath: storage.mountPath });
      break;
    case 'block-readonly':
      parts.volumes.push({
        name,
        persistentVolumeClaim: { claimName: storage.claimName, readOnly: true },
      });
      parts.volumeMounts.push({
        name,
        mountPath: storage.mountPath,
        readOnly: true,
      });
      break;
    case 'object-storage':
    default:
      parts.volumes.push(
        storage.into === 'nvme'
          ? {
              name,
              hostPath: {
                path:
                  storage.path ??
                  `${NVME_PULL_ROOT}/${target.namespace}/${target.deploymentName}`,
                type: 'DirectoryOrCreate',
              },
            }
          : {
              name,
              emptyDir: storage.sizeLimit
                ? { sizeLimit: storage.sizeLimit }
                : {},
            },
      );
      parts.volumeMounts.push({ name, mountPath: storage.mountPath });
      parts.initContainers.push(fetchContainer(storage, target));
      break;
  }
  return parts;
}
