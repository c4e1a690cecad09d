import { z } from 'zod';
import { ADDON_IDS } from './addons';
import { PROVIDER_IDS } from './providers';
import { CLUSTER_STATUSES } from './types';

export const DNS_LABEL_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function isDnsLabel(value: string): boolean {
  return value.length <= 63 && DNS_LABEL_PATTERN.test(value);
}

const DNS_LABEL_MESSAGE =
  'must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit, at most 63 characters';

export const clusterNameSchema = z
  .string({
    error: issue =>
      issue.input === undefined ? 'is required' : 'must be a string',
  })
  .refine(isDnsLabel, { message: DNS_LABEL_MESSAGE });

// Kubernetes label syntax: optional DNS-subdomain prefix, then a name part.
const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
const DNS_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function isLabelKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (
    prefix !== undefined &&
    (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))
  ) {
    return false;
  }
  return name.length > 0 && name.length <= 63 && LABEL_NAME.test(name);
}

const LABEL_KEY_MESSAGE =
  'is not a valid label key: [prefix/]name, name at most 63 characters of letters, digits, "-", "_" and ".", starting and ending with a letter or digit';

const labelRecordSchema = z
  .record(
    z.string().refine(isLabelKey, { message: LABEL_KEY_MESSAGE }),
    z
      .string()
      .max(63, 'label values are at most 63 characters')
      .regex(
        LABEL_NAME,
        'label values are letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
      ),
  )
  .refine(labels => Object.keys(labels).length <= 64, {
    message: 'at most 64 labels',
  });

// JSON.parse (so express.json()) keeps "__proto__" as an own key, and zod's
// record drops it without an issue: a PATCH would then silently replace the
// labels. Refuse it on the raw input, before the record sees it.
// "constructor" and "prototype" are valid Kubernetes keys and stay plain data.
export const clusterLabelsSchema = z
  .unknown()
  .superRefine((input, ctx) => {
    if (
      typeof input === 'object' &&
      input !== null &&
      Object.prototype.hasOwnProperty.call(input, '__proto__')
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['__proto__'],
        message: LABEL_KEY_MESSAGE,
      });
    }
  })
  .pipe(labelRecordSchema);

const providerSchema = z.enum(PROVIDER_IDS, {
  error: `must be one of: ${PROVIDER_IDS.join(', ')}`,
});
const addonSchema = z.enum(ADDON_IDS, {
  error: `is not a known add-on; known add-ons: ${ADDON_IDS.join(', ')}`,
});

const addonListSchema = z.array(addonSchema).superRefine((addons, ctx) => {
  addons.forEach((addon, index) => {
    if (addons.indexOf(addon) !== index) {
      ctx.addIssue({
        code: 'custom',
        path: [index],
        message: `'${addon}' is listed twice`,
      });
    }
  });
});

export const attachClusterRequestSchema = z.strictObject({
  name: clusterNameSchema,
  displayName: z.string().min(1).max(200).optional(),
  provider: providerSchema,
  region: z.string().min(1).max(100).optional(),
  description: z.string().max(2000).optional(),
  labels: clusterLabelsSchema.optional(),
  addons: addonListSchema.optional(),
  overrideManagedAddons: z.array(addonSchema).optional(),
});

export const updateClusterRequestSchema = z
  .strictObject({
    displayName: z.string().min(1).max(200).optional(),
    description: z.string().max(2000).nullable().optional(),
    labels: clusterLabelsSchema.optional(),
    addons: addonListSchema.optional(),
    overrideManagedAddons: z.array(addonSchema).optional(),
  })
  .refine(
    r =>
      r.displayName !== undefined ||
      r.description !== undefined ||
      r.labels !== undefined ||
      r.addons !== undefined,
    {
      message:
        'nothing to update: give displayName, description, labels or addons',
    },
  );

export type AttachClusterRequest = z.infer<typeof attachClusterRequestSchema>;
export type UpdateClusterRequest = z.infer<typeof updateClusterRequestSchema>;

export const listClustersQuerySchema = z.strictObject({
  provider: providerSchema.optional(),
  status: z
    .enum(CLUSTER_STATUSES, {
      error: `must be one of: ${CLUSTER_STATUSES.join(', ')}`,
    })
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

function formatPath(path: PropertyKey[]): string {
  if (path.length === 0) return '(body)';
  return path.reduce<string>((out, part) => {
    if (typeof part === 'number') return `${out}[${part}]`;
    return out ? `${out}.${String(part)}` : String(part);
  }, '');
}

/** One line per issue, each starting with the field at fault. */
export function describeZodIssues(error: z.ZodError): string[] {
  return error.issues.map(issue => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys
        .map(key => `${formatPath([...issue.path, key])}: is not a known field`)
        .join('; ');
    }
    return `${formatPath(issue.path)}: ${issue.message}`;
  });
}

export function firstZodIssuePath(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return '(body)';
  if (issue.code === 'unrecognized_keys' && issue.keys[0]) {
    return formatPath([...issue.path, issue.keys[0]]);
  }
  return formatPath(issue.path);
}
