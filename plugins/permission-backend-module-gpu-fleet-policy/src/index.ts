/**
 * GPU Fleet's default RBAC for Backstage's permission backend.
 *
 * @packageDocumentation
 */
export { permissionModuleGpuFleetPolicy as default } from './module';
export {
  GpuFleetPermissionPolicy,
  allowAllPolicy,
} from './GpuFleetPermissionPolicy';
export type { GpuFleetPermissionPolicyOptions } from './GpuFleetPermissionPolicy';
export { readFleetAdmins } from './fleetAdmins';
