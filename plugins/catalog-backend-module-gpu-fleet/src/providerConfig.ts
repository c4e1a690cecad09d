import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  RootConfigService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';

const KEY = 'catalog.providers.gpuFleet';

export const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 10 },
  timeout: { minutes: 5 },
  initialDelay: { seconds: 15 },
};

export interface GpuFleetProviderConfig {
  schedule: SchedulerServiceTaskScheduleDefinition;
  /** The GPU Fleet pages' root URL, without a trailing slash. */
  portalUrl: string;
  /** A full entity ref; unset means whoever attached each cluster. */
  clusterOwner?: string;
}

function fullRef(ref: string, key: string): string {
  try {
    return stringifyEntityRef(
      parseEntityRef(ref, {
        defaultKind: 'group',
        defaultNamespace: 'default',
      }),
    );
  } catch (error) {
    throw new InputError(`${key}: ${(error as Error).message}`);
  }
}

/** catalog.providers.gpuFleet, as declared in config.d.ts. */
export function readGpuFleetProviderConfig(
  config: RootConfigService,
): GpuFleetProviderConfig {
  const own = config.getOptionalConfig(KEY);
  const schedule = own?.has('schedule')
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
        own.getConfig('schedule'),
      )
    : DEFAULT_SCHEDULE;
  const trim = (url: string) => url.replace(/\/+$/, '');
  const portalUrl = trim(
    own?.getOptionalString('portalUrl') ??
      `${trim(config.getString('app.baseUrl'))}/gpu-fleet`,
  );
  const configuredOwner = own?.getOptionalString('clusterOwner');
  const firstAdmin = config.getOptionalStringArray('gpuFleet.admins')?.[0];
  let clusterOwner: string | undefined;
  if (configuredOwner) {
    clusterOwner = fullRef(configuredOwner, `${KEY}.clusterOwner`);
  } else if (firstAdmin) {
    clusterOwner = fullRef(firstAdmin, 'gpuFleet.admins[0]');
  }
  return { schedule, portalUrl, clusterOwner };
}
