/** A Kubernetes API server simulator for GPU Fleet demos and tests; not a real Kubernetes. */

export { startSimulator } from './startSimulator';
export type { RunningSimulator, SimulatorOptions } from './startSimulator';
export {
  loadScenario,
  parseScenario,
  applyScenario,
  buildScenarioNodes,
} from './scenario';
export type {
  Scenario,
  ScenarioGpu,
  ScenarioNodeOverride,
  ScenarioNodePool,
  ScenarioPod,
  ScenarioTaint,
} from './scenario';
export { writeKubeconfig, kubeconfigYaml } from './kubeconfig';
export { RUN_SECONDS_ANNOTATION } from './controllers/Kubelet';
export { DEFAULT_KUBELET_START_DELAY_MS } from './controllers/startControllers';
export type { ArgoCdOptions } from './controllers/ArgoApplicationController';
export { ClusterState } from './ClusterState';
export type {
  DeleteResult,
  ListOptions,
  ListResult,
  PatchType,
  WriteOptions,
} from './ClusterState';
export { ApiError } from './statusErrors';
export { AGENT_RIGHTS, SIMULATED_USER } from './AccessRights';
export type { AgentRights } from './AccessRights';
export type { Status, StatusCause, StatusDetails } from './statusErrors';
export type { KubeObject, ManagedFieldsEntry, ObjectMeta } from './kubeObject';
export type { ResourceType } from './resourceTypes';
