import { PermissionCriteria } from '@backstage/plugin-permission-common';
import {
  isAndCriteria,
  isNotCriteria,
  isOrCriteria,
} from '@backstage/plugin-permission-node';
import { Knex } from 'knex';

/**
 * Adds a conditional decision's criteria to a query as nested WHERE groups;
 * `leaf` adds one rule's filter.
 */
export function whereCriteria<T>(
  builder: Knex.QueryBuilder,
  criteria: PermissionCriteria<T>,
  leaf: (builder: Knex.QueryBuilder, query: T) => void,
): void {
  if (isAndCriteria(criteria)) {
    builder.where(all => {
      for (const sub of criteria.allOf) {
        all.andWhere(b => whereCriteria(b, sub, leaf));
      }
    });
  } else if (isOrCriteria(criteria)) {
    builder.where(any => {
      for (const sub of criteria.anyOf) {
        any.orWhere(b => whereCriteria(b, sub, leaf));
      }
    });
  } else if (isNotCriteria(criteria)) {
    builder.whereNot(b => whereCriteria(b, criteria.not, leaf));
  } else {
    builder.where(b => leaf(b, criteria as T));
  }
}
