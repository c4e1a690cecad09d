/** Core v1 Events as components record them, with repeats counted on one Event like client-go's correlator. */

import { ClusterState } from '../ClusterState';
import { KubeObject } from '../kubeObject';
import { nowTimestamp } from './timestamps';

export interface EventSource {
  /** `default-scheduler`, `kubelet`, `deployment-controller`, ... */
  component: string;
  /** The node, for the kubelet. */
  host?: string;
}

export interface EventDetails {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** A part of the object, e.g. `spec.containers{vllm}`. */
  fieldPath?: string;
}

const EVENTS = '/events';

export class EventRecorder {
  /** Where the Event for each distinct occurrence lives, so repeats bump its count. */
  readonly #recorded = new Map<string, string>();
  #lastNanos = 0n;

  constructor(private readonly state: ClusterState) {}

  record(involved: KubeObject, source: EventSource, details: EventDetails) {
    const namespace = involved.metadata.namespace ?? 'default';
    const involvedObject = {
      kind: involved.kind,
      namespace: involved.metadata.namespace,
      name: involved.metadata.name,
      uid: involved.metadata.uid,
      apiVersion: involved.apiVersion,
      resourceVersion: involved.metadata.resourceVersion,
      ...(details.fieldPath ? { fieldPath: details.fieldPath } : {}),
    };
    const key = JSON.stringify([
      involved.metadata.uid,
      details.fieldPath ?? '',
      source.component,
      source.host ?? '',
      details.type,
      details.reason,
      details.message,
    ]);
    const at = nowTimestamp();
    const existingName = this.#recorded.get(key);
    const existing =
      existingName !== undefined
        ? this.state.store.get(EVENTS, namespace, existingName)
        : undefined;
    try {
      if (existing) {
        this.state.update(
          this.state.resolve('v1', 'Event'),
          namespace,
          existingName!,
          {
            ...existing,
            count: (Number(existing.count) || 1) + 1,
            lastTimestamp: at,
          },
          { fieldManager: source.component },
        );
        return;
      }
      const name = `${involved.metadata.name}.${this.#nextSuffix()}`;
      this.state.createObject(
        {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name, namespace },
          involvedObject,
          reason: details.reason,
          message: details.message,
          type: details.type,
          source: {
            component: source.component,
            ...(source.host ? { host: source.host } : {}),
          },
          firstTimestamp: at,
          lastTimestamp: at,
          count: 1,
          eventTime: null,
          reportingComponent: source.component,
          reportingInstance: source.host ?? '',
        },
        { fieldManager: source.component },
      );
      this.#recorded.set(key, name);
    } catch {
      // The namespace may be going away with the object; an event is never worth failing for.
    }
  }

  /** Nanoseconds in hex, strictly increasing, so names sort in the order events happen. */
  #nextSuffix(): string {
    let nanos = BigInt(Date.now()) * 1_000_000n;
    if (nanos <= this.#lastNanos) nanos = this.#lastNanos + 1n;
    this.#lastNanos = nanos;
    return nanos.toString(16);
  }
}
