import { screen } from '@testing-library/react';
import { aWorkspace, viewerAccess } from '../../__testUtils__/fixtures';
import { apiError, mockGpuFleetApi } from '../../__testUtils__/mockGpuFleetApi';
import { renderGpuFleetPage } from '../../__testUtils__/renderGpuFleetPage';
import { WorkspaceListPage } from './WorkspaceListPage';

// Its own file: usePermission caches decisions for the whole module.
describe('WorkspaceListPage for people who may not create workspaces', () => {
  it('offers no create button, and says who creates workspaces when there are none', async () => {
    const api = mockGpuFleetApi({ listWorkspaces: jest.fn(async () => []) });
    const { unmount } = await renderGpuFleetPage(<WorkspaceListPage />, {
      api,
      allowPermissions: false,
    });
    expect(
      await screen.findByText('You have no workspaces yet'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Fleet admins create workspaces and add their members/),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Create workspace' }),
    ).toBeNull();
    unmount();

    api.listWorkspaces.mockResolvedValue([
      aWorkspace({ access: viewerAccess }),
    ]);
    await renderGpuFleetPage(<WorkspaceListPage />, {
      api,
      allowPermissions: false,
    });
    expect(
      await screen.findByRole('link', { name: 'ml-training' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Create workspace' }),
    ).toBeNull();
  });

  it("shows the API's reason when workspaces cannot be listed", async () => {
    const api = mockGpuFleetApi({
      listWorkspaces: jest
        .fn()
        .mockRejectedValue(
          await apiError(401, 'AuthenticationError', 'sign in first'),
        ),
    });
    await renderGpuFleetPage(<WorkspaceListPage />, {
      api,
      allowPermissions: false,
    });
    expect(
      await screen.findByText(
        'Error: Could not load workspaces: sign in first',
      ),
    ).toBeInTheDocument();
  });
});
