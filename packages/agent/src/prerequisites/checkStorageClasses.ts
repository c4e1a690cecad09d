import { KubeApiForwarder } from '../KubeApiForwarder';
import { CheckOutcome, listObjects } from './clusterApi';

const DEFAULT_CLASS_ANNOTATIONS = [
  'storageclass.kubernetes.io/is-default-class',
  'storageclass.beta.kubernetes.io/is-default-class',
];

/** CSI drivers whose volumes many pods can mount read-write at once. */
export const RWX_PROVISIONERS = [
  'efs.csi.aws.com',
  'fsx.csi.aws.com',
  'filestore.csi.storage.gke.io',
  'lustre.csi.storage.gke.io',
  'file.csi.azure.com',
  'blob.csi.azure.com',
  'fss.csi.oraclecloud.com',
  'lustre.csi.oraclecloud.com',
  'nfs.csi.k8s.io',
  'cephfs.csi.ceph.com',
  'rook-ceph.cephfs.csi.ceph.com',
  'csi.vastdata.com',
  'csi.weka.io',
];

/** Classes known to be shared file storage whatever their provisioner says. */
export const RWX_CLASS_NAMES = ['lambda-shared'];

/** A default StorageClass for ordinary volumes, and one for ReadWriteMany. */
export async function checkStorageClasses(
  kube: KubeApiForwarder,
): Promise<CheckOutcome> {
  const { items } = await listObjects(
    kube,
    '/apis/storage.k8s.io/v1/storageclasses',
    'StorageClasses',
  );
  const classes = items.map(sc => ({
    name: String(sc.metadata?.name),
    provisioner: String(sc.provisioner ?? ''),
    isDefault: DEFAULT_CLASS_ANNOTATIONS.some(
      a => sc.metadata?.annotations?.[a] === 'true',
    ),
  }));
  const defaults = classes.filter(c => c.isDefault).map(c => c.name);
  const rwx = classes
    .filter(
      c =>
        RWX_PROVISIONERS.includes(c.provisioner) ||
        RWX_CLASS_NAMES.includes(c.name),
    )
    .map(c => c.name);
  const details = {
    storageClasses: classes.map(c => `${c.name} (${c.provisioner})`),
    default: defaults,
    readWriteMany: rwx,
  };
  const missing = [
    defaults.length ? undefined : 'no default StorageClass',
    rwx.length
      ? undefined
      : 'no ReadWriteMany class (none uses a shared-file CSI driver the agent knows)',
  ].filter(Boolean);
  return missing.length === 0
    ? {
        status: 'pass',
        message: `default class ${defaults.join(
          ', ',
        )}; ReadWriteMany through ${rwx.join(', ')}`,
        details,
      }
    : {
        status: 'fail',
        message: `${missing.join('; ')} among ${
          classes.length
        } StorageClass(es)`,
        details,
      };
}
