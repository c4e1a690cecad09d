import type {
  DeploymentManifest,
  DeploymentManifestInput,
  DeploymentTemplate,
  WorkspaceCapacityType,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { DEPLOYMENT_TEMPLATES } from '@gpu-fleet/plugin-gpu-fleet-common';
import type { ApiIssue } from '../../api/apiIssues';
import type { Built } from '../WorkspaceForm/workspaceFormModel';

/** The manifest's top-level fields, for apiIssues. */
export const MANIFEST_FIELDS = [
  'kind',
  'name',
  'workspace',
  'cluster',
  'template',
  'image',
  'model',
  'args',
  'resources',
  'replicas',
  'autoscaling',
  'capacityType',
  'storage',
  'env',
  'ports',
  'probes',
  'mpi',
  'labels',
] as const;

export const DEFAULT_IMAGES: Record<DeploymentTemplate, string> = {
  vllm: 'vllm/vllm-openai:v0.6.4',
  mpijob: 'nvcr.io/nvidia/pytorch:24.10-py3',
};

// A service usually fits on one GPU node; a training run takes whole nodes.
const TEMPLATE_DEFAULTS: Record<
  DeploymentTemplate,
  { gpuCount: string; cpu: string; memory: string }
> = {
  vllm: { gpuCount: '1', cpu: '8', memory: '64Gi' },
  mpijob: { gpuCount: '8', cpu: '32', memory: '256Gi' },
};

type ManifestStorage = NonNullable<DeploymentManifestInput['storage']>;

/**
 * The storage kinds the form offers. Local NVMe needs more than a simple
 * form, so it is offered only to keep what a manifest being edited has.
 */
export type StorageChoice =
  | ''
  | 'rwx'
  | 'object-storage'
  | 'block-readonly'
  | 'local-nvme';

export interface StorageForm {
  kind: StorageChoice;
  storageClass: string;
  size: string;
  claimName: string;
  url: string;
  mountPath: string;
  /** The storage of a manifest being edited, for the parts the form has no input for. */
  kept?: ManifestStorage;
}

// Fields hold text as typed; numbers are checked when the manifest is built.
export interface DeploymentForm {
  template: DeploymentTemplate;
  workspace: string;
  /** Another cluster than the workspace's; empty for the workspace's own. */
  cluster: string;
  name: string;
  image: string;
  model: string;
  gpuType: string;
  gpuCount: string;
  cpu: string;
  memory: string;
  replicasMin: string;
  replicasMax: string;
  capacityType: '' | WorkspaceCapacityType;
  storage: StorageForm;
  workers: string;
  rdma: boolean;
  shmSize: string;
}

export function emptyDeploymentForm(
  workspace: string,
  template: DeploymentTemplate = 'vllm',
): DeploymentForm {
  return {
    template,
    workspace,
    cluster: '',
    name: '',
    image: DEFAULT_IMAGES[template],
    model: '',
    gpuType: '',
    ...TEMPLATE_DEFAULTS[template],
    replicasMin: '1',
    replicasMax: '1',
    capacityType: '',
    storage: {
      kind: '',
      storageClass: '',
      size: '',
      claimName: '',
      url: '',
      mountPath: '/models',
    },
    workers: '2',
    rdma: false,
    shmSize: '64Gi',
  };
}

/**
 * The form for another template: the image and sizes follow it unless the
 * person changed them from the old template's defaults.
 */
export function withTemplate(
  form: DeploymentForm,
  template: DeploymentTemplate,
): DeploymentForm {
  const before = TEMPLATE_DEFAULTS[form.template];
  const after = TEMPLATE_DEFAULTS[template];
  const follow = (key: keyof typeof before) =>
    form[key] === before[key] ? after[key] : form[key];
  return {
    ...form,
    template,
    image:
      form.image === DEFAULT_IMAGES[form.template]
        ? DEFAULT_IMAGES[template]
        : form.image,
    gpuCount: follow('gpuCount'),
    cpu: follow('cpu'),
    memory: follow('memory'),
  };
}

const WHOLE_NUMBER = /^\d+$/;

function wholeNumber(
  text: string,
  path: string,
  issues: ApiIssue[],
  what: string,
): number {
  const value = text.trim();
  if (!WHOLE_NUMBER.test(value)) {
    issues.push({ path, message: `must be a whole number of ${what}` });
  }
  return Number(value);
}

function storageFrom(storage: StorageForm): ManifestStorage | undefined {
  const mountPath = storage.mountPath.trim();
  const kept = storage.kept;
  switch (storage.kind) {
    case 'rwx':
      return {
        kind: 'rwx',
        storageClass: storage.storageClass.trim(),
        size: storage.size.trim(),
        mountPath,
      };
    case 'object-storage':
      return {
        kind: 'object-storage',
        url: storage.url.trim(),
        into: kept?.kind === 'object-storage' ? kept.into : 'emptyDir',
        ...(kept?.kind === 'object-storage' &&
          kept.path && { path: kept.path }),
        mountPath,
        ...(storage.size.trim() && { sizeLimit: storage.size.trim() }),
      };
    case 'block-readonly':
      return {
        kind: 'block-readonly',
        claimName: storage.claimName.trim(),
        mountPath,
      };
    case 'local-nvme':
      return kept?.kind === 'local-nvme' ? { ...kept, mountPath } : undefined;
    default:
      return undefined;
  }
}

/**
 * The manifest the form describes. Only numbers are checked here; the API
 * validates the rest and names each field it refuses.
 */
export function buildManifest(
  form: DeploymentForm,
): Built<DeploymentManifestInput> {
  const issues: ApiIssue[] = [];
  const gpuCount = wholeNumber(
    form.gpuCount,
    'resources.gpu.count',
    issues,
    'GPUs',
  );
  const service = form.template === 'vllm';
  const replicas = service
    ? {
        min: wholeNumber(form.replicasMin, 'replicas.min', issues, 'replicas'),
        max: wholeNumber(form.replicasMax, 'replicas.max', issues, 'replicas'),
      }
    : undefined;
  const workers = service
    ? 0
    : wholeNumber(form.workers, 'mpi.workers', issues, 'workers');
  if (!form.gpuType) {
    issues.push({ path: 'resources.gpu.type', message: 'choose a GPU type' });
  }
  if (service && !form.model.trim()) {
    issues.push({ path: 'model', message: 'is required for a vLLM service' });
  }
  if (issues.length > 0) return { issues };

  const storage = storageFrom(form.storage);
  const manifest: DeploymentManifestInput = {
    kind: DEPLOYMENT_TEMPLATES[form.template],
    name: form.name.trim(),
    workspace: form.workspace,
    ...(form.cluster && { cluster: form.cluster }),
    template: form.template,
    image: form.image.trim(),
    // The select offers only known types; the API names the field otherwise.
    resources: {
      gpu: {
        type: form.gpuType as DeploymentManifestInput['resources']['gpu']['type'],
        count: gpuCount,
      },
      cpu: form.cpu.trim(),
      memory: form.memory.trim(),
    },
    ...(service && { model: form.model.trim() }),
    ...(replicas && { replicas }),
    ...(form.capacityType && { capacityType: form.capacityType }),
    ...(storage && { storage }),
    ...(!service && {
      mpi: {
        workers,
        // Each worker requests the deployment's GPUs.
        gpusPerWorker: gpuCount,
        rdma: { enabled: form.rdma, shmSize: form.shmSize.trim() },
      },
    }),
  };
  return { request: manifest, issues: [] };
}

/** What each section of the form gets: the form, the API's issues, and a way to change fields. */
export interface FormSectionProps {
  form: DeploymentForm;
  issues: readonly ApiIssue[];
  onChange(patch: Partial<DeploymentForm>): void;
}

function storageForm(
  storage: DeploymentManifest['storage'],
  empty: StorageForm,
): StorageForm {
  switch (storage?.kind) {
    case 'rwx':
      return {
        ...empty,
        kind: 'rwx',
        storageClass: storage.storageClass,
        size: storage.size,
        mountPath: storage.mountPath,
      };
    case 'object-storage':
      return {
        ...empty,
        kind: 'object-storage',
        url: storage.url,
        size: storage.sizeLimit ?? '',
        mountPath: storage.mountPath,
        kept: storage,
      };
    case 'block-readonly':
      return {
        ...empty,
        kind: 'block-readonly',
        claimName: storage.claimName,
        mountPath: storage.mountPath,
      };
    case 'local-nvme':
      return {
        ...empty,
        kind: 'local-nvme',
        mountPath: storage.mountPath,
        kept: storage,
      };
    default:
      return empty;
  }
}

/** The form showing a deployment's current manifest, to edit it. */
export function formFromManifest(manifest: DeploymentManifest): DeploymentForm {
  const empty = emptyDeploymentForm(manifest.workspace, manifest.template);
  const { gpu, cpu, memory } = manifest.resources;
  return {
    ...empty,
    cluster: manifest.cluster ?? '',
    name: manifest.name,
    image: manifest.image,
    model: manifest.model ?? '',
    gpuType: gpu.type,
    gpuCount: String(gpu.count),
    cpu,
    memory,
    replicasMin: String(manifest.replicas?.min ?? empty.replicasMin),
    replicasMax: String(manifest.replicas?.max ?? empty.replicasMax),
    capacityType: manifest.capacityType ?? '',
    storage: storageForm(manifest.storage, empty.storage),
    workers: String(manifest.mpi?.workers ?? empty.workers),
    rdma: manifest.mpi?.rdma.enabled ?? empty.rdma,
    shmSize: manifest.mpi?.rdma.shmSize ?? empty.shmSize,
  };
}

// Fields the form has no input for; an edit keeps them as they are.
const KEPT_FIELDS = [
  'args',
  'env',
  'ports',
  'probes',
  'autoscaling',
  'labels',
] as const;

/**
 * The whole manifest a PUT sends: what the form built, with what the form
 * cannot show kept from the current manifest. The workspace's own cluster
 * is written as no `cluster` at all.
 */
export function editedManifest(
  current: DeploymentManifest,
  built: DeploymentManifestInput,
  workspaceCluster: string | undefined,
): DeploymentManifestInput {
  const kept = Object.fromEntries(
    KEPT_FIELDS.filter(key => current[key] !== undefined).map(key => [
      key,
      current[key],
    ]),
  ) as Pick<DeploymentManifestInput, (typeof KEPT_FIELDS)[number]>;
  const manifest: DeploymentManifestInput = { ...kept, ...built };
  if (manifest.cluster && manifest.cluster === workspaceCluster) {
    delete manifest.cluster;
  }
  const checkpointStorage = current.mpi?.checkpointStorage;
  if (manifest.mpi && checkpointStorage) {
    manifest.mpi = { ...manifest.mpi, checkpointStorage };
  }
  return manifest;
}
