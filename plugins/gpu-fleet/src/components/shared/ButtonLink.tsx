import { LinkButton } from '@backstage/core-components';
import { ComponentProps } from 'react';

/**
 * A link styled as a button. Material UI marks any non-<button> as
 * role="button"; this navigates, so it stays a link for assistive tech.
 */
export const ButtonLink = (props: ComponentProps<typeof LinkButton>) => (
  <LinkButton role="link" {...props} />
);
