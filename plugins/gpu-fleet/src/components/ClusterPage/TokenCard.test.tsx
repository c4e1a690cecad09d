import { screen } from '@testing-library/react';
import { aCluster } from '../../__testUtils__/fixtures';
import { mockGpuFleetApi } from '../../__testUtils__/mockGpuFleetApi';
import { renderGpuFleetPage } from '../../__testUtils__/renderGpuFleetPage';
import { TokenCard } from './TokenCard';

// Its own file: usePermission caches decisions for the whole module.
describe('TokenCard', () => {
  it('offers no rotate or revoke to people not allowed to manage the token', async () => {
    const api = mockGpuFleetApi();
    await renderGpuFleetPage(
      <TokenCard cluster={aCluster()} onChanged={jest.fn()} />,
      { api, allowTokenManagement: false },
    );
    const note = await screen.findByText(
      /Rotating or revoking this cluster's token needs the/,
    );
    expect(note).toHaveTextContent('gpu-fleet.cluster.token.manage permission');
    expect(screen.queryByRole('button', { name: 'Rotate token' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Revoke token' })).toBeNull();
  });
});
