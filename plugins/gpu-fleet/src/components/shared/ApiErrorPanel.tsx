import { ErrorPanel } from '@backstage/core-components';
import { errorMessage } from '../../api/apiErrors';

/** ErrorPanel with the server's message as the title, not the status line. */
export const ApiErrorPanel = ({
  error,
  title,
}: {
  error: Error;
  title?: string;
}) => (
  <ErrorPanel
    error={error}
    title={title ? `${title}: ${errorMessage(error)}` : errorMessage(error)}
  />
);
