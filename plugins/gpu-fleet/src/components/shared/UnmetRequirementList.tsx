import type { UnmetRequirement } from '@gpu-fleet/plugin-gpu-fleet-common';

/** Each requirement a cluster does not meet, with the manifest field it comes from. */
export const UnmetRequirementList = ({
  unmet,
  label,
}: {
  unmet: readonly UnmetRequirement[];
  label: string;
}) => (
  <ul aria-label={label} style={{ margin: 0, paddingLeft: '1.25em' }}>
    {unmet.map(requirement => (
      <li key={`${requirement.field}: ${requirement.message}`}>
        <code>{requirement.field}</code>: {requirement.message}
      </li>
    ))}
  </ul>
);
