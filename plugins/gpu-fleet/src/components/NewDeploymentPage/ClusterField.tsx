import type {
  Cluster,
  WorkspaceView,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { FormSectionProps } from './deploymentFormModel';
import { ManifestField } from './ManifestField';

/**
 * Where an edited deployment runs: the workspace's cluster (no `cluster` in
 * the manifest) or another attached one, which retargets it.
 */
export const ClusterField = ({
  form,
  issues,
  onChange,
  workspace,
  clusters,
  clustersLoaded,
}: FormSectionProps & {
  workspace: WorkspaceView | undefined;
  clusters: Cluster[];
  clustersLoaded: boolean;
}) => {
  const own = workspace?.cluster;
  const value = form.cluster === own ? '' : form.cluster;
  const options: Array<[string, string]> = [
    ['', own ? `The workspace's cluster (${own})` : "The workspace's cluster"],
    ...clusters
      .filter(c => !c.detachedAt && c.name !== own)
      .map<[string, string]>(c => [
        c.name,
        c.displayName === c.name ? c.name : `${c.displayName} (${c.name})`,
      ]),
  ];
  // Keep the manifest's cluster visible even when it is no longer offered.
  if (value && !options.some(([name]) => name === value)) {
    options.push([value, value]);
  }
  return (
    <ManifestField
      label="Cluster"
      path="cluster"
      issues={issues}
      value={value}
      options={options}
      onChange={name => onChange({ cluster: name })}
      help={
        clustersLoaded
          ? 'Another cluster than the workspace’s moves the deployment there.'
          : 'Loading clusters…'
      }
    />
  );
};
