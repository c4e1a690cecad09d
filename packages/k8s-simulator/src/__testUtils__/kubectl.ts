/** Runs the real kubectl against a simulator, with its own HOME and discovery cache. */

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeKubeconfig } from '../kubeconfig';

const KUBECTL = '/usr/bin/kubectl';

export interface Kubectl {
  run(...args: string[]): Promise<{ code: number; out: string }>;
  /** Writes a manifest next to the kubeconfig and returns its path. */
  manifest(name: string, content: string): string;
  /** Removes the kubeconfig, HOME and cache. */
  dispose(): void;
}

export function kubectlFor(url: string, clusterName: string): Kubectl {
  if (!existsSync(KUBECTL)) {
    throw new Error(
      `kubectl is required at ${KUBECTL} for these tests (a real client checks the simulator's API); install it there`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'k8s-simulator-kubectl-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeKubeconfig(url, kubeconfig, clusterName);
  return {
    run: (...args) =>
      new Promise(resolve => {
        execFile(
          KUBECTL,
          ['--cache-dir', join(dir, 'cache'), '--request-timeout=10s', ...args],
          {
            env: { PATH: process.env.PATH, HOME: dir, KUBECONFIG: kubeconfig },
          },
          (error, stdout, stderr) =>
            resolve({
              code: error ? Number(error.code ?? 1) : 0,
              out: `${stdout}${stderr}`,
            }),
        );
      }),
    manifest(name, content) {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
