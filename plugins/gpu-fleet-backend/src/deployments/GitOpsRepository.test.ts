import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { startGitHttpServer } from '../__testUtils__/gitHttpServer';
import { git } from './git';
import { GitChange, GitOpsRepository } from './GitOpsRepository';

jest.setTimeout(60_000);

const logger = mockServices.logger.mock();
const alice = { name: 'user:default/alice', email: 'alice@users.gpu-fleet' };

function change(overrides: Partial<GitChange> = {}): GitChange {
  return {
    path: 'lambda-h200/ml-inference/llama',
    files: { 'deployment-llama.yaml': 'kind: Deployment\nreplicas: 1\n' },
    message: 'Create llama in ml-inference (revision 1) by user:default/alice',
    author: alice,
    changeId: 'ml-inference/llama/1',
    ...overrides,
  };
}

describe('GitOpsRepository', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-test-'));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  function open(url: string, workdir = 'work') {
    return GitOpsRepository.open(
      { url, branch: 'main', workingDirectory: path.join(dir, workdir) },
      logger,
    );
  }

  /** What the remote's branch holds, read with a fresh clone. */
  async function remoteFiles(url: string) {
    const checkout = await fs.mkdtemp(path.join(dir, 'check-'));
    await git(['clone', '--quiet', '--branch', 'main', url, checkout]);
    const listed = await git(['ls-files'], { cwd: checkout });
    const log = await git(['log', '--format=%an|%s'], { cwd: checkout });
    return {
      files: listed.split('\n').filter(Boolean),
      log: log.trim().split('\n'),
    };
  }

  it('creates a local bare repository on first use and commits a folder per deployment', async () => {
    const bare = path.join(dir, 'gitops.git');
    const repo = await open(bare);
    const sha = await repo.commit(change());
    expect(sha).toMatch(/^[0-9a-f]{40}$/);

    const remote = await remoteFiles(bare);
    expect(remote.files).toEqual([
      'README.md',
      'lambda-h200/ml-inference/llama/deployment-llama.yaml',
    ]);
    expect(remote.log[0]).toBe(
      'user:default/alice|Create llama in ml-inference (revision 1) by user:default/alice',
    );
    expect(await repo.readFiles(sha, 'lambda-h200/ml-inference/llama')).toEqual(
      {
        'deployment-llama.yaml': 'kind: Deployment\nreplicas: 1\n',
      },
    );
  });

  it('finds the commit of a change tried before instead of making a second', async () => {
    const bare = path.join(dir, 'gitops.git');
    const repo = await open(bare);
    const first = await repo.commit(change());
    // A restarted backend, with a new working clone, tries the same change again.
    const again = await (await open(bare, 'other')).commit(change());
    expect(again).toBe(first);
    expect(await repo.findChange('ml-inference/llama/1')).toBe(first);
    // Revision 1 is no prefix match for revision 10.
    expect(await repo.findChange('ml-inference/llama/10')).toBeUndefined();
    expect((await remoteFiles(bare)).log).toHaveLength(2);
  });

  it('commits a burst of changes one commit each, and the same change once', async () => {
    const bare = path.join(dir, 'gitops.git');
    const repo = await open(bare);
    const changes = Array.from({ length: 12 }, (_, i) =>
      change({
        path: `eks-p5/training/run-${i}`,
        files: { 'mpijob.yaml': `run: ${i}\n` },
        changeId: `training/run-${i}/1`,
      }),
    );
    const commits = await Promise.all([
      ...changes.map(c => repo.commit(c)),
      repo.commit(changes[3]),
    ]);
    expect(new Set(commits).size).toBe(12);
    expect(commits[12]).toBe(commits[3]);
    const remote = await remoteFiles(bare);
    expect(remote.log).toHaveLength(13);
    expect(remote.files).toHaveLength(13);
  });

  it('keeps every change when two writers commit at once', async () => {
    const bare = path.join(dir, 'gitops.git');
    const a = await open(bare, 'a');
    const b = await open(bare, 'b');
    const names = ['one', 'two', 'three', 'four', 'five', 'six'];
    await Promise.all(
      names.map((name, i) =>
        (i % 2 ? a : b).commit(
          change({
            path: `eks-p5/training/${name}`,
            files: { 'mpijob.yaml': `name: ${name}\n` },
            changeId: `training/${name}/1`,
          }),
        ),
      ),
    );
    const remote = await remoteFiles(bare);
    expect(remote.files).toHaveLength(1 + names.length);
    expect(remote.log).toHaveLength(1 + names.length);
  });

  it('moves a deployment to another cluster by removing its old folder in the same commit, and shows the diff', async () => {
    const bare = path.join(dir, 'gitops.git');
    const repo = await open(bare);
    await repo.commit(change());
    const moved = await repo.commit(
      change({
        path: 'coreweave-h100/ml-inference/llama',
        removePaths: ['lambda-h200/ml-inference/llama'],
        files: { 'deployment-llama.yaml': 'kind: Deployment\nreplicas: 2\n' },
        changeId: 'ml-inference/llama/2',
      }),
    );
    expect((await remoteFiles(bare)).files).toEqual([
      'README.md',
      'coreweave-h100/ml-inference/llama/deployment-llama.yaml',
    ]);
    const { previousCommit, diff } = await repo.diff(moved, [
      'coreweave-h100/ml-inference/llama',
      'lambda-h200/ml-inference/llama',
    ]);
    expect(previousCommit).toMatch(/^[0-9a-f]{40}$/);
    expect(diff).toContain('-replicas: 1');
    expect(diff).toContain('+replicas: 2');
    expect(diff).toContain(
      'lambda-h200/ml-inference/llama/deployment-llama.yaml',
    );
  });

  it('deletes a folder when the change has no files', async () => {
    const bare = path.join(dir, 'gitops.git');
    const repo = await open(bare);
    await repo.commit(change());
    await repo.commit(change({ files: {}, changeId: 'ml-inference/llama/2' }));
    expect((await remoteFiles(bare)).files).toEqual(['README.md']);
  });

  it('refuses a folder outside the repository', async () => {
    const repo = await open(path.join(dir, 'gitops.git'));
    await expect(
      repo.commit(change({ path: '../escape', changeId: 'x/y/1' })),
    ).rejects.toThrow("path '../escape' leaves the repository");
  });

  it('works against an HTTP remote served by git http-backend', async () => {
    const root = path.join(dir, 'served');
    await fs.mkdir(root);
    await git([
      'init',
      '--quiet',
      '--bare',
      '--initial-branch',
      'main',
      path.join(root, 'gitops.git'),
    ]);
    const server = await startGitHttpServer(root);
    try {
      const url = `${server.url}/gitops.git`;
      const repo = await open(url);
      const sha = await repo.commit(change());
      const remote = await remoteFiles(url);
      expect(remote.files).toContain(
        'lambda-h200/ml-inference/llama/deployment-llama.yaml',
      );
      // A second writer over HTTP sees the first one's commit.
      const other = await open(url, 'other');
      expect(await other.findChange('ml-inference/llama/1')).toBe(sha);
    } finally {
      await server.close();
    }
  });
});
