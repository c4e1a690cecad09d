export * from './capacityType';
export * from './gpuTypes';
export * from './kubeShapes';
export * from './nodeInventory';
export * from './podGpuRequests';
