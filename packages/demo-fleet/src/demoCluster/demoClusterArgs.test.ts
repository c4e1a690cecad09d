import {
  defaultAddonsFor,
  renderDemoClusterCommand,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { shellWords } from '../__testUtils__/shellWords';
import { parseDemoClusterArgs } from './demoClusterArgs';

const TOKEN = 'gfct_Zm9vYmFyYmF6cXV4-_0123456789abcdefghijklmnopq';

function problems(argv: string[]): string[] {
  const parsed = parseDemoClusterArgs(argv);
  if (parsed.kind !== 'invalid') throw new Error(`parsed as ${parsed.kind}`);
  return parsed.problems;
}

describe('parseDemoClusterArgs', () => {
  it('reads back the command the attach wizard renders', () => {
    const command = renderDemoClusterCommand({
      provider: 'fluidstack',
      clusterName: 'fs-b200',
      token: TOKEN,
      addons: [],
      gpuShapes: [
        { gpuType: 'B200', gpusPerNode: 8 },
        { gpuType: 'MI300X', gpusPerNode: 8 },
      ],
      portalUrl: 'http://localhost:41234',
    });
    const words = shellWords(command.replace(/^yarn demo:cluster /, ''));
    expect(parseDemoClusterArgs(words)).toEqual({
      kind: 'run',
      args: {
        spec: {
          name: 'fs-b200',
          provider: 'fluidstack',
          gpuShapes: [
            { gpuType: 'B200', gpusPerNode: 8 },
            { gpuType: 'MI300X', gpusPerNode: 8 },
          ],
          nodesPerShape: 2,
          addons: [],
        },
        token: TOKEN,
        portalUrl: 'http://localhost:41234',
      },
    });
  });

  it("defaults the shape, add-ons and node count to the provider's, and the portal to the local one", () => {
    expect(
      parseDemoClusterArgs([
        '--provider=lambda',
        '--name',
        'lambda-b',
        '--token',
        TOKEN,
      ]),
    ).toEqual({
      kind: 'run',
      args: {
        spec: {
          name: 'lambda-b',
          provider: 'lambda',
          gpuShapes: [{ gpuType: 'H200', gpusPerNode: 8 }],
          nodesPerShape: 2,
          addons: defaultAddonsFor('lambda'),
        },
        token: TOKEN,
        portalUrl: 'http://localhost:7007',
      },
    });
  });

  it('lists the known providers for an unknown one, and says every other problem in the same run', () => {
    expect(
      problems([
        '--provider',
        'digitalocean',
        '--name',
        'Not_A_Label',
        '--gpus',
        'B200',
        '--nodes',
        '2.5',
        '--addons',
        'keda,flux',
        '--portal',
        'localhost:7007',
        '--token',
        'abc',
      ]),
    ).toEqual([
      "--provider 'digitalocean' is not a provider the simulator knows; use one of eks, aks, gke, oke, coreweave, lambda, fluidstack, nebius, generic",
      `--name 'Not_A_Label' must be a cluster name: lower-case letters, digits and "-", at most 63 characters`,
      '--token must be the cluster token the attach wizard shows (it starts with gfct_)',
      "--gpus 'B200' is not <GPU type>x<GPUs per node>[,...], e.g. B200x8 or H100x8,L40Sx4",
      "--nodes '2.5' must be a whole number from 1 to 32",
      expect.stringMatching(
        /^--addons names unknown add-ons: flux; known: gpu-operator, .*keda/,
      ),
      "--portal 'localhost:7007' must be the portal's http(s) address, e.g. http://localhost:7007",
    ]);
  });

  it('names the option in every error about the shape', () => {
    const base = ['--provider', 'eks', '--name', 'eks-x', '--token', TOKEN];
    expect(problems([...base, '--gpus', 'Z900x8'])).toEqual([
      expect.stringMatching(
        /^--gpus 'Z900' is not a GPU type the inventory knows; use one of GB300, /,
      ),
    ]);
    expect(problems([...base, '--gpus', 'H100x64'])).toEqual([
      "--gpus 'H100x64' asks for 64 GPUs per node; use 1 to 16",
    ]);
  });

  it('requires provider, name and token, and refuses unknown, repeated and valueless options', () => {
    expect(problems([])).toEqual([
      '--provider is required: one of eks, aks, gke, oke, coreweave, lambda, fluidstack, nebius, generic',
      "--name is required: the attached cluster's name, as the wizard shows it",
      '--token is required: the one-time cluster token the attach wizard shows',
    ]);
    expect(
      problems([
        '--provider',
        'eks',
        '--provider',
        'gke',
        '--name',
        'a',
        '--token',
        TOKEN,
        '--gpu',
        'H100x8',
        'stray',
        '--nodes',
      ]),
    ).toEqual([
      '--provider is given twice',
      'unknown option --gpu; the options are --provider, --name, --token, --gpus, --nodes, --addons, --portal',
      "unexpected argument 'stray': every value follows its option",
      '--nodes needs a value',
    ]);
  });

  it('answers --help with the usage', () => {
    expect(parseDemoClusterArgs(['--provider', 'x', '--help'])).toEqual({
      kind: 'help',
    });
  });
});
