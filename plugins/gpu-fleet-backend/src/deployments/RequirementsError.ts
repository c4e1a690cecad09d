import { ConflictError } from '@backstage/errors';
import { UnmetRequirement } from '@gpu-fleet/plugin-gpu-fleet-common';

/** A change refused while the target cannot run the deployment; lists every reason. */
export class RequirementsError extends ConflictError {
  constructor(readonly cluster: string, readonly unmet: UnmetRequirement[]) {
    // Field first, as every refusal names its field.
    super(unmet.map(u => `${u.field}: ${u.message}`).join('; '));
  }
}
