import { AuthService } from '@backstage/backend-plugin-api';
import {
  parseEntityRef,
  stringifyEntityRef,
  Entity,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';

const DEFAULT_TTL_MS = 30_000;
// Deeper than any real org chart; stops a parent cycle.
const MAX_DEPTH = 16;

/** Who the caller is, as their Backstage token says. */
export interface CallerIdentity {
  userEntityRef: string;
  /** The user and their direct groups (the token's `ent` claim). */
  ownershipEntityRefs: string[];
}

function parentRefs(group: Entity): string[] {
  const parents = new Set<string>();
  for (const relation of group.relations ?? []) {
    if (relation.type === 'childOf') {
      parents.add(relation.targetRef.toLowerCase());
    }
  }
  const parent = (group.spec as { parent?: unknown } | undefined)?.parent;
  if (typeof parent === 'string' && parent) {
    parents.add(
      stringifyEntityRef(
        parseEntityRef(parent, {
          defaultKind: 'group',
          defaultNamespace: group.metadata.namespace ?? 'default',
        }),
      ).toLowerCase(),
    );
  }
  return [...parents];
}

/**
 * The refs a caller holds workspace roles through: themself, their groups,
 * and every group those are nested in, read from the catalog's parent
 * relations. Each group's parents are remembered for a short while; a
 * permission decision may ask on every proxied request.
 */
export class WorkspaceClaimsResolver {
  private readonly parents = new Map<
    string,
    { refs: string[]; until: number }
  >();

  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly ttlMs = DEFAULT_TTL_MS,
  ) {}

  async claims(caller: CallerIdentity): Promise<string[]> {
    const claims = new Set<string>([
      caller.userEntityRef.toLowerCase(),
      ...caller.ownershipEntityRefs.map(ref => ref.toLowerCase()),
    ]);
    let frontier = [...claims].filter(ref => ref.startsWith('group:'));
    for (let depth = 0; frontier.length > 0 && depth < MAX_DEPTH; depth++) {
      const next: string[] = [];
      for (const [, refs] of await this.parentsOf(frontier)) {
        for (const ref of refs) {
          if (!claims.has(ref)) {
            claims.add(ref);
            next.push(ref);
          }
        }
      }
      frontier = next;
    }
    return [...claims];
  }

  private async parentsOf(groups: string[]): Promise<Map<string, string[]>> {
    const now = Date.now();
    const result = new Map<string, string[]>();
    const missing: string[] = [];
    for (const group of groups) {
      const cached = this.parents.get(group);
      if (cached && cached.until > now) result.set(group, cached.refs);
      else missing.push(group);
    }
    if (missing.length > 0) {
      const { items } = await this.catalog.getEntitiesByRefs(
        {
          entityRefs: missing,
          fields: ['kind', 'metadata', 'spec.parent', 'relations'],
        },
        { credentials: await this.auth.getOwnServiceCredentials() },
      );
      missing.forEach((group, index) => {
        const entity = items[index];
        const refs = entity ? parentRefs(entity) : [];
        this.parents.set(group, { refs, until: now + this.ttlMs });
        result.set(group, refs);
      });
    }
    return result;
  }
}
