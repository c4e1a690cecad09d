import { ChildProcess, fork } from 'node:child_process';

// Tagged: nodeTransform also talks on the IPC channel (it announces each file it loads).
type Reply = { benchReply: true } & (
  | { ok: true; result: unknown }
  | { ok: false; error: string }
);

const nodeTransform = require.resolve(
  '@backstage/cli/config/nodeTransform.cjs',
);

/** Waits for a child to exit, killing it if it has not within `graceMs`. */
export async function stopChild(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
  graceMs = 5000,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise(resolve => child.once('exit', resolve));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * A TypeScript module of this package run in its own process, so its event
 * loop and memory stay out of the backend's figures. It answers one request
 * at a time over IPC.
 */
export class ForkedChild {
  private constructor(private readonly child: ChildProcess) {}

  static start(file: string): ForkedChild {
    const child = fork(file, [], {
      execArgv: ['-r', nodeTransform],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new ForkedChild(child);
  }

  get pid(): number {
    return this.child.pid!;
  }

  request<T>(message: object): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const onExit = (code: number | null) =>
        reject(new Error(`child ${this.pid} exited (${code}) mid-request`));
      const onMessage = (reply: Reply) => {
        if (!reply?.benchReply) return;
        this.child.off('exit', onExit);
        this.child.off('message', onMessage);
        if (reply.ok) resolve(reply.result as T);
        else reject(new Error(reply.error));
      };
      this.child.once('exit', onExit);
      this.child.on('message', onMessage);
      this.child.send(message);
    });
  }

  stop(): Promise<void> {
    return stopChild(this.child);
  }
}

/** The child's side: each message from the parent is handled and answered in turn. */
export function answerParent(handle: (message: any) => Promise<unknown>) {
  // An orphaned child would keep its port or its load going.
  process.on('disconnect', () => process.exit(0));
  process.on('message', message => {
    handle(message).then(
      result =>
        process.send!({ benchReply: true, ok: true, result } satisfies Reply),
      error =>
        process.send!({
          benchReply: true,
          ok: false,
          error: (error as Error).stack ?? String(error),
        } satisfies Reply),
    );
  });
}
