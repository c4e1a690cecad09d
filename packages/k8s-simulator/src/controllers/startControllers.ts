/** Starts what a cluster runs besides the API server: scheduler, kubelets, controllers (Argo CD's too) and the garbage collector. */

import { ClusterState } from '../ClusterState';
import { StoreEvent } from '../ObjectStore';
import {
  ArgoApplicationController,
  ArgoCdOptions,
} from './ArgoApplicationController';
import { DeploymentController } from './DeploymentController';
import { EventRecorder } from './events';
import { GarbageCollector } from './GarbageCollector';
import { Kubelet } from './Kubelet';
import { MpiJobController } from './MpiJobController';
import { ReplicaSetController } from './ReplicaSetController';
import { Scheduler } from './Scheduler';

/**
 * The kubelets' default start delay: long enough to see ContainerCreating in a demo.
 *
 * @public
 */
export const DEFAULT_KUBELET_START_DELAY_MS = 1500;

export interface ControllerOptions {
  /** From binding to Running; tests use a few milliseconds. */
  kubeletStartDelayMs?: number;
  /** Retry, polling and self-heal timing of the Argo CD application controller. */
  argoCd?: ArgoCdOptions;
}

interface Controller {
  onEvent(event: StoreEvent): void;
  resync?(): void;
  stop(): void;
}

export interface RunningControllers {
  stop(): void;
}

export function startControllers(
  state: ClusterState,
  options: ControllerOptions = {},
): RunningControllers {
  const events = new EventRecorder(state);
  const controllers: Controller[] = [
    new GarbageCollector(state),
    new DeploymentController(state, events),
    new ReplicaSetController(state, events),
    new MpiJobController(state, events),
    // Acts only where the argocd add-on's CRDs serve Applications.
    new ArgoApplicationController(state, events, options.argoCd),
    new Scheduler(state, events),
    new Kubelet(state, events, {
      startDelayMs:
        options.kubeletStartDelayMs ?? DEFAULT_KUBELET_START_DELAY_MS,
    }),
  ];
  const unsubscribe = state.store.subscribe(event => {
    for (const controller of controllers) {
      try {
        controller.onEvent(event);
      } catch {
        // One controller's trouble must not keep the others from seeing the change.
      }
    }
  });
  for (const controller of controllers) controller.resync?.();
  return {
    stop() {
      unsubscribe();
      for (const controller of controllers) controller.stop();
    },
  };
}
