import type { AddonId } from './addons';
import type { ProviderId } from './providers';

export const CLUSTER_STATUSES = [
  'pending',
  'connected',
  'disconnected',
  'revoked',
] as const;
export type ClusterStatus = (typeof CLUSTER_STATUSES)[number];

export interface Cluster {
  name: string;
  displayName: string;
  provider: ProviderId;
  region: string | null;
  description: string | null;
  labels: Record<string, string>;
  addons: AddonId[];
  status: ClusterStatus;
  agentVersion: string | null;
  kubernetesVersion: string | null;
  lastSeenAt: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  detachedAt: string | null;
}

export interface AuditEntry {
  id: number;
  cluster: string;
  actor: string;
  action: string;
  details: Record<string, unknown>;
  at: string;
}

export interface AgentInstall {
  command: string;
  valuesYaml: string;
  namespace: string;
  releaseName: string;
  chart: string;
}

export interface AttachClusterResponse {
  cluster: Cluster;
  /** Shown once; only its hash is stored. */
  token: string;
  install: AgentInstall;
  warnings: string[];
  /**
   * Set where `gpuFleet.demo.clusterCommand` is on (the local default): the
   * wizard then also offers `yarn demo:cluster`, a simulated cluster whose
   * agent connects with this token to this portal.
   */
  demoCluster?: { portalUrl: string };
}
