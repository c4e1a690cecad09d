import {
  defaultDemoGpuShape,
  parseGpuShapes,
  renderDemoClusterCommand,
} from './demoCluster';
import { PROVIDER_IDS } from './providers';

describe('parseGpuShapes', () => {
  it('reads one or more shapes in any letter case, including types that end in X', () => {
    expect(parseGpuShapes('B200x8')).toEqual({
      ok: true,
      shapes: [{ gpuType: 'B200', gpusPerNode: 8 }],
    });
    expect(parseGpuShapes(' h100X8, l40sx4 ,MI300Xx8,a100-80gbx2')).toEqual({
      ok: true,
      shapes: [
        { gpuType: 'H100', gpusPerNode: 8 },
        { gpuType: 'L40S', gpusPerNode: 4 },
        { gpuType: 'MI300X', gpusPerNode: 8 },
        { gpuType: 'A100-80GB', gpusPerNode: 2 },
      ],
    });
  });

  it.each([
    ['', /is empty/],
    ['B200', /'B200' is not <GPU type>x<GPUs per node>/],
    ['B200x', /'B200x' is not/],
    ['8xB200', /'8xB200' is not/],
    [
      'Z900x8',
      /'Z900' is not a GPU type the inventory knows; use one of GB300, .*B200/,
    ],
    ['H100x0', /asks for 0 GPUs per node; use 1 to 16/],
    ['H100x17', /asks for 17 GPUs per node/],
    ['H100x8,h100x8', /'h100x8' is listed twice/],
    ['H100x8,', /'' is not/],
    [
      'H100x1,H100x2,H100x3,H100x4,H100x5,H100x6,H100x7,H100x8,H100x9',
      /lists 9 shapes; at most 8/,
    ],
  ])('refuses %j, saying why', (text, message) => {
    const parsed = parseGpuShapes(text);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.message).toMatch(message);
  });

  it('has a default shape for every provider that it reads back', () => {
    for (const provider of PROVIDER_IDS) {
      expect(parseGpuShapes(defaultDemoGpuShape(provider)).ok).toBe(true);
    }
  });
});

describe('renderDemoClusterCommand', () => {
  const input = {
    provider: 'fluidstack' as const,
    clusterName: 'fs-b200',
    token: 'gfct_abc-DEF_123',
    addons: ['cert-manager' as const, 'mpi-operator' as const],
    gpuShapes: [
      { gpuType: 'B200' as const, gpusPerNode: 8 },
      { gpuType: 'L40S' as const, gpusPerNode: 4 },
    ],
  };

  it('fills provider, name, shape, add-ons and token, leaving out the default portal', () => {
    expect(
      renderDemoClusterCommand({
        ...input,
        portalUrl: 'http://localhost:7007/',
      }),
    ).toBe(
      'yarn demo:cluster --provider fluidstack --name fs-b200 --gpus B200x8,L40Sx4 --addons cert-manager,mpi-operator --token gfct_abc-DEF_123',
    );
  });

  it('names another portal, and quotes an empty add-on list', () => {
    expect(
      renderDemoClusterCommand({
        ...input,
        addons: [],
        portalUrl: 'http://localhost:41234',
      }),
    ).toBe(
      "yarn demo:cluster --provider fluidstack --name fs-b200 --gpus B200x8,L40Sx4 --addons '' --portal http://localhost:41234 --token gfct_abc-DEF_123",
    );
  });
});
