import { Grid } from '@material-ui/core';
import {
  FormSectionProps,
  StorageChoice,
  StorageForm,
} from './deploymentFormModel';
import { ManifestField } from './ManifestField';

const KINDS: Array<[StorageChoice, string]> = [
  ['', 'None'],
  ['rwx', 'Shared volume (ReadWriteMany claim)'],
  ['object-storage', 'Pulled from object storage at start'],
  ['block-readonly', 'Existing claim, mounted read-only'],
];

/** Where the weights (or training data) come from; optional. */
export const StorageFields = ({ form, issues, onChange }: FormSectionProps) => {
  const storage = form.storage;
  const set = (patch: Partial<StorageForm>) =>
    onChange({ storage: { ...storage, ...patch } });
  const field = (
    key: 'storageClass' | 'size' | 'claimName' | 'url',
    label: string,
    help: string,
    path = `storage.${key}`,
  ) => (
    <Grid item xs={12} md={6}>
      <ManifestField
        label={label}
        path={path}
        required={key !== 'size' || storage.kind === 'rwx'}
        issues={issues}
        value={storage[key]}
        onChange={value => set({ [key]: value })}
        help={help}
      />
    </Grid>
  );
  return (
    <Grid container spacing={2}>
      <Grid item xs={12} md={6}>
        <ManifestField
          label="Storage"
          path="storage"
          issues={issues}
          value={storage.kind}
          options={
            storage.kind === 'local-nvme'
              ? [
                  ...KINDS,
                  ['local-nvme', 'Local NVMe, as the manifest sets it'],
                ]
              : KINDS
          }
          onChange={value => set({ kind: value as StorageChoice })}
        />
      </Grid>
      {storage.kind && (
        <Grid item xs={12} md={6}>
          <ManifestField
            label="Mount path"
            path="storage.mountPath"
            required
            issues={issues}
            value={storage.mountPath}
            onChange={value => set({ mountPath: value })}
          />
        </Grid>
      )}
      {storage.kind === 'rwx' && (
        <>
          {field(
            'storageClass',
            'Storage class',
            'A ReadWriteMany class of the cluster, e.g. lustre or lambda-shared.',
          )}
          {field('size', 'Size', 'e.g. 500Gi.')}
        </>
      )}
      {storage.kind === 'object-storage' && (
        <>
          {field('url', 'URL', 's3://bucket/path or https://…')}
          {field(
            'size',
            'Size limit',
            'Optional cap of the pod-local volume, e.g. 200Gi.',
            'storage.sizeLimit',
          )}
        </>
      )}
      {storage.kind === 'block-readonly' &&
        field(
          'claimName',
          'Claim name',
          'A PersistentVolumeClaim in the namespace that holds the weights.',
        )}
    </Grid>
  );
};
