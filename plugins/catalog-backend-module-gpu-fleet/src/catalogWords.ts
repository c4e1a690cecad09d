import { makeValidator } from '@backstage/catalog-model';

// The catalog's own field rules, so what is emitted passes its validation.
const validator = makeValidator();

/** Only values the catalog accepts as labels; others are left out, not mangled. */
export function validLabels(
  labels: Record<string, string | null | undefined>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(labels).filter(
      (entry): entry is [string, string] =>
        typeof entry[1] === 'string' && validator.isValidLabelValue(entry[1]),
    ),
  );
}

/** Lower-cased, de-duplicated tags the catalog accepts (e.g. `eks`, `a100-80gb`). */
export function validTags(words: Array<string | null | undefined>): string[] {
  const tags = words.flatMap(word => (word ? [word.toLowerCase()] : []));
  return [...new Set(tags)].filter(tag => validator.isValidTag(tag));
}
