/** ConfigMaps of a set size, shaped like an application's rendered settings file. */

export const GET_NAMESPACE = 'bench-get';
export const GET_NAME = 'settings-2kb';
export const LIST_NAMESPACE = 'bench-list';

/** About what the simulator adds on create (uid, resourceVersion, timestamps). */
const SERVER_METADATA_BYTES = 180;

export function benchConfigMap(
  name: string,
  namespace: string,
  approxBytes: number,
) {
  const object = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name,
      namespace,
      labels: {
        'app.kubernetes.io/name': 'inference-gateway',
        'app.kubernetes.io/part-of': 'gpu-fleet-bench',
      },
    },
    data: { 'settings.yaml': '' },
  };
  const lines: string[] = [];
  const target = approxBytes - SERVER_METADATA_BYTES;
  for (let i = 0; JSON.stringify(object).length < target; i++) {
    lines.push(
      `route_${i}: {upstream: vllm-${i % 7}.serving:8000, weight: ${i % 10}}`,
    );
    object.data['settings.yaml'] = lines.join('\n');
  }
  return object;
}
