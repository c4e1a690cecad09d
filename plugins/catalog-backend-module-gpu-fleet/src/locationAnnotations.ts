import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
} from '@backstage/catalog-model';

/** The entity's page in the portal is where it is managed. */
export function locationAnnotations(pageUrl: string): Record<string, string> {
  return {
    [ANNOTATION_LOCATION]: `url:${pageUrl}`,
    [ANNOTATION_ORIGIN_LOCATION]: `url:${pageUrl}`,
  };
}
