import { execFile } from 'node:child_process';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real kubectl with a private HOME (so its discovery cache stays out
 * of ~/.kube) and optional stdin; resolves with the exit code instead of throwing.
 */
export function runKubectl(
  args: string[],
  options: { home: string; kubeconfig?: string; stdin?: string },
): Promise<KubectlResult> {
  return new Promise(resolve => {
    const child = execFile(
      '/usr/bin/kubectl',
      args,
      {
        env: {
          PATH: process.env.PATH,
          HOME: options.home,
          ...(options.kubeconfig ? { KUBECONFIG: options.kubeconfig } : {}),
        },
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) =>
        resolve({
          code: error ? Number(error.code ?? 1) : 0,
          stdout,
          stderr,
        }),
    );
    child.stdin!.end(options.stdin ?? '');
  });
}
