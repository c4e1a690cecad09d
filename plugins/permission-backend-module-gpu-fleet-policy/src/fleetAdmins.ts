import { Config } from '@backstage/config';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';

/** gpuFleet.admins, as lower-case full entity refs; a ref that is not a user or group is a config error. */
export function readFleetAdmins(config: Config): Set<string> {
  const refs = config.getOptionalStringArray('gpuFleet.admins') ?? [];
  return new Set(
    refs.map((ref, index) => {
      const parsed = parseEntityRef(ref, { defaultNamespace: 'default' });
      const kind = parsed.kind.toLowerCase();
      if (kind !== 'user' && kind !== 'group') {
        throw new Error(
          `gpuFleet.admins[${index}]: '${ref}' must be a user or group ref, e.g. group:default/ml-platform`,
        );
      }
      return stringifyEntityRef(parsed).toLowerCase();
    }),
  );
}
