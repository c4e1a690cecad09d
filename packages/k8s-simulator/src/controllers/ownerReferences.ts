/** ownerReferences: who controls an object, and the reference a controller puts on what it creates. */

import { KubeObject } from '../kubeObject';

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export function ownerReferences(obj: KubeObject): OwnerReference[] {
  return (obj.metadata.ownerReferences ?? []).filter(
    (ref): ref is Record<string, unknown> & OwnerReference =>
      typeof ref.uid === 'string' && typeof ref.kind === 'string',
  );
}

/** The owner that manages the object (controller: true), if any. */
export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return ownerReferences(obj).find(ref => ref.controller === true);
}

export function isControlledBy(obj: KubeObject, owner: KubeObject): boolean {
  return controllerOf(obj)?.uid === owner.metadata.uid;
}

/** The reference a controller sets on the objects it creates. */
export function controllerReference(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name!,
    uid: owner.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}
