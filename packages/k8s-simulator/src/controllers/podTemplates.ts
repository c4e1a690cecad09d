/** Pods made from a controller's pod template, owned by the controller's object. */

import { isPlainObject, JsonObject, KubeObject } from '../kubeObject';
import { controllerReference } from './ownerReferences';

const stringMap = (value: unknown): Record<string, string> =>
  isPlainObject(value)
    ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]))
    : {};

export interface PodFromTemplate {
  template: JsonObject;
  owner: KubeObject;
  /** A fixed name, or a prefix the API server completes with five random characters. */
  name?: string;
  generateName?: string;
  /** Labels the controller adds to the template's own. */
  labels?: Record<string, string>;
  /** Spec fields the controller sets over the template's. */
  spec?: JsonObject;
}

export function podFromTemplate(options: PodFromTemplate): KubeObject {
  const metadata = isPlainObject(options.template.metadata)
    ? options.template.metadata
    : {};
  const labels = { ...stringMap(metadata.labels), ...options.labels };
  const annotations = stringMap(metadata.annotations);
  const spec = isPlainObject(options.template.spec)
    ? structuredClone(options.template.spec)
    : {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...(options.name ? { name: options.name } : {}),
      ...(options.generateName ? { generateName: options.generateName } : {}),
      namespace: options.owner.metadata.namespace,
      ...(Object.keys(labels).length ? { labels } : {}),
      ...(Object.keys(annotations).length ? { annotations } : {}),
      ownerReferences: [{ ...controllerReference(options.owner) }],
    },
    spec: { ...spec, ...options.spec },
  };
}
