/** GPU Fleet control plane backend plugin. */
export { gpuFleetPlugin as default } from './plugin';
