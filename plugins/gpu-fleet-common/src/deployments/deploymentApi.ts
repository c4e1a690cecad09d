import type { DeploymentManifest } from './manifestSchema';
import type { ObservedDeployment } from './deploymentStatus';
import type { UnmetRequirement } from './placementRequirements';

/**
 * Where a deployment's latest revision stands. Each step is recorded
 * before the next begins, so a restarted backend finishes what it began:
 * committing → delivering → applied; deleting ends with the row gone.
 */
export const DELIVERY_STATES = [
  'committing',
  'delivering',
  'applied',
  'deleting',
] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export type RevisionAction = 'create' | 'update' | 'retarget' | 'delete';

export interface DeploymentDelivery {
  state: DeliveryState;
  /** Why the last attempt did not finish; it is retried. */
  error: string | null;
  /** Attempts at the current step. */
  attempts: number;
  updatedAt: string;
}

/** A deployment as the backend records it. */
export interface DeploymentRecord {
  /** Tells this deployment from an earlier one of the same name. */
  uid: string;
  workspace: string;
  name: string;
  kind: DeploymentManifest['kind'];
  template: DeploymentManifest['template'];
  /** The cluster it runs on: the workspace's, or the manifest's override. */
  cluster: string;
  namespace: string;
  manifest: DeploymentManifest;
  /** The latest revision. */
  revision: number;
  appliedRevision: number | null;
  /** The Git commit the cluster holds. */
  appliedCommit: string | null;
  delivery: DeploymentDelivery;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
}

/** One object a revision committed, as listed in its Git folder. */
export interface RevisionObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** One create or change, with the commit that holds its rendered objects. */
export interface DeploymentRevision {
  revision: number;
  action: RevisionAction;
  /** Null until the commit is made. */
  commit: string | null;
  author: string;
  message: string;
  cluster: string;
  namespace: string;
  /** The folder in the GitOps repository: `<cluster>/<namespace>/<deployment>`. */
  path: string;
  objects: RevisionObjectRef[];
  manifest: DeploymentManifest;
  createdAt: string;
}

/** What the caller may do with a deployment. */
export interface DeploymentAccess {
  update: boolean;
  delete: boolean;
}

/** The rendered objects of a manifest, without committing anything. */
export interface DeploymentPreview {
  cluster: string;
  namespace: string;
  path: string;
  objects: Array<Record<string, unknown>>;
  /** The files a commit would hold, by name. */
  files: Record<string, string>;
  unmet: UnmetRequirement[];
}

export interface RetargetCheck {
  cluster: string;
  unmet: UnmetRequirement[];
}

export interface RevisionDiff {
  revision: number;
  commit: string;
  /** The commit before it that touched the deployment, if any. */
  previousCommit: string | null;
  /** Unified diff of the deployment's folder. */
  diff: string;
}

/** A deployment as the API answers: its record, what the cluster reports, and the caller's rights. */
export interface DeploymentView extends DeploymentRecord {
  status: ObservedDeployment | null;
  access: DeploymentAccess;
}
