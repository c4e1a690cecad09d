import {
  renderInTestApp,
  TestApiProvider,
  mockApis,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { ReactElement } from 'react';
import { useLocation } from 'react-router-dom';
import { gpuFleetApiRef } from '../api/GpuFleetApi';
import { fleetRouteRef } from '../routes';
import { MockGpuFleetApi } from './mockGpuFleetApi';

/** Shows where the page sent the browser, so tests can read the URL. */
export const LocationProbe = () => {
  const location = useLocation();
  return (
    <output aria-label="current location">
      {location.pathname}
      {location.search}
    </output>
  );
};

export function renderGpuFleetPage(
  element: ReactElement,
  options: {
    api: MockGpuFleetApi;
    url?: string;
    allowTokenManagement?: boolean;
    /** false denies every permission the page asks about. */
    allowPermissions?: boolean;
  },
) {
  const permissionApi = mockApis.permission({
    authorize:
      options.allowTokenManagement === false ||
      options.allowPermissions === false
        ? AuthorizeResult.DENY
        : AuthorizeResult.ALLOW,
  });
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [gpuFleetApiRef, options.api],
        [permissionApiRef, permissionApi],
      ]}
    >
      {element}
      <LocationProbe />
    </TestApiProvider>,
    {
      routeEntries: options.url ? [options.url] : undefined,
      // The other pages are sub-routes of this one, as in the app.
      mountedRoutes: { '/gpu-fleet': fleetRouteRef },
      components: {
        NotFoundErrorPage: () => <h1>Page not found</h1>,
      },
    },
  );
}
