/** Reading and setting pod (and other) status conditions the way controllers do. */

import { asList, asObject, JsonObject, KubeObject } from '../kubeObject';
import { nowTimestamp } from './timestamps';

export function conditionOf(
  obj: KubeObject,
  type: string,
): JsonObject | undefined {
  return asList(asObject(obj.status).conditions).find(c => c.type === type);
}

export function isPodReady(pod: KubeObject): boolean {
  return conditionOf(pod, 'Ready')?.status === 'True';
}

/**
 * The condition list with one condition set: its transition time changes only
 * when its status does, so unchanged conditions make no-op writes. Deployment
 * conditions also carry lastUpdateTime: `onChange` moves it when reason or
 * message change, `always` on every call (progress was made).
 */
export function withCondition(
  conditions: unknown,
  condition: JsonObject & { type: string; status: string },
  options: { lastUpdateTime?: 'onChange' | 'always' } = {},
): JsonObject[] {
  const list = asList(conditions);
  const previous = list.find(c => c.type === condition.type);
  const at = nowTimestamp();
  const sameStatus = previous?.status === condition.status;
  const unchanged =
    sameStatus &&
    previous?.reason === condition.reason &&
    previous?.message === condition.message;
  const next: JsonObject = { ...condition };
  if (options.lastUpdateTime) {
    next.lastUpdateTime =
      unchanged && options.lastUpdateTime === 'onChange'
        ? previous?.lastUpdateTime ?? at
        : at;
  }
  next.lastTransitionTime = sameStatus
    ? previous?.lastTransitionTime ?? at
    : at;
  return previous
    ? list.map(c => (c === previous ? next : c))
    : [...list, next];
}
