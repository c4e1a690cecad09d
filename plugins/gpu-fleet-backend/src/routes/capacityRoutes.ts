import Router from 'express-promise-router';
import { Request } from 'express';
import { InputError } from '@backstage/errors';
import {
  CAPACITY_GROUP_KEYS,
  CAPACITY_TYPES,
  CapacityGroupKey,
  gpuFleetCapacityReadPermission,
  PROVIDER_IDS,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { CapacityFilters } from '../capacity/capacityFigures';
import {
  HISTORY_GROUP_KEYS,
  HistoryGroupKey,
  historySeries,
} from '../capacity/capacityHistory';
import { InventoryService } from '../capacity/InventoryService';
import { InventoryStore } from '../capacity/InventoryStore';
import { authorize, clusterNameParam } from './requestContext';
import { RouteDeps } from './types';

const HOUR = 3_600_000;
const MAX_HISTORY_RANGE = 31 * 24 * HOUR;

/** One comma-separated query value as a list; absent means no filter. */
function list(req: Request, field: string): string[] | undefined {
  const raw = req.query[field];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') {
    throw new InputError(`${field}: give it once, as a comma-separated list`);
  }
  const values = raw
    .split(',')
    .map(v => v.trim())
    .filter(Boolean);
  if (values.length === 0) {
    throw new InputError(`${field}: must not be empty`);
  }
  if (values.some(v => v.length > 253)) {
    throw new InputError(`${field}: values are at most 253 characters`);
  }
  return values;
}

function oneOf<T extends string>(
  req: Request,
  field: string,
  allowed: readonly T[],
): T[] | undefined {
  const values = list(req, field);
  const unknown = values?.find(v => !allowed.includes(v as T));
  if (unknown !== undefined) {
    throw new InputError(
      `${field}: unknown value "${unknown}"; use ${allowed.join(', ')}`,
    );
  }
  return values as T[] | undefined;
}

function filters(req: Request): CapacityFilters {
  return {
    provider: oneOf(req, 'provider', PROVIDER_IDS),
    gpuType: list(req, 'gpuType'),
    cluster: list(req, 'cluster'),
    capacityType: oneOf(req, 'capacityType', CAPACITY_TYPES),
  };
}

function date(req: Request, field: string, fallback: Date): Date {
  const raw = req.query[field];
  if (raw === undefined) return fallback;
  const parsed = typeof raw === 'string' ? new Date(raw) : undefined;
  if (!parsed || Number.isNaN(parsed.getTime())) {
    throw new InputError(`${field}: not an ISO 8601 date`);
  }
  return parsed;
}

export function capacityRoutes(
  inventory: InventoryService,
  store: InventoryStore,
  historyIntervalMs: number,
  deps: RouteDeps,
) {
  const router = Router();

  router.get('/capacity', async (req, res) => {
    await authorize(req, gpuFleetCapacityReadPermission, deps);
    const groupBy: CapacityGroupKey[] = oneOf(
      req,
      'groupBy',
      CAPACITY_GROUP_KEYS,
    ) ?? ['provider', 'gpuType'];
    res.json(await inventory.capacity(groupBy, filters(req)));
  });

  router.get('/capacity/history', async (req, res) => {
    await authorize(req, gpuFleetCapacityReadPermission, deps);
    const groupBy: HistoryGroupKey[] =
      oneOf(req, 'groupBy', HISTORY_GROUP_KEYS) ?? [];
    const { provider, gpuType, cluster, capacityType } = filters(req);
    if (capacityType) {
      throw new InputError(
        'capacityType: history is sampled per provider, GPU type and cluster only',
      );
    }
    const to = date(req, 'to', new Date());
    const from = date(req, 'from', new Date(to.getTime() - 24 * HOUR));
    if (from > to) throw new InputError('from: must not be after to');
    if (to.getTime() - from.getTime() > MAX_HISTORY_RANGE) {
      throw new InputError('from: the range may span at most 31 days');
    }
    const samples = await store.samples(
      from,
      to,
      { provider, gpuType, cluster },
      groupBy,
    );
    res.json(historySeries(samples, groupBy, historyIntervalMs / 1000));
  });

  router.get('/clusters/:name/inventory', async (req, res) => {
    await authorize(req, gpuFleetCapacityReadPermission, deps);
    res.json(await inventory.inventory(clusterNameParam(req)));
  });

  return router;
}
