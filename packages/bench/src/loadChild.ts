/** Runs in its own process: sends one cell's requests and times each one. */
import http from 'node:http';
import { answerParent } from './forkedChild';

export interface CellRequest {
  url: string;
  headers: Record<string, string>;
  requests: number;
  concurrency: number;
  /** The body size every answer must have; anything else counts as an error. */
  expectBytes?: number;
  /** A request whose socket stays silent this long fails instead of stalling the run. */
  timeoutMs: number;
}

export interface CellRun {
  durationsMs: number[];
  errors: number;
  firstError?: string;
  elapsedMs: number;
  bytes: number;
}

function get(
  url: string,
  cell: Pick<CellRequest, 'headers' | 'timeoutMs'>,
  agent: http.Agent,
) {
  return new Promise<{ status: number; bytes: number }>((resolve, reject) => {
    // No Accept-Encoding: bodies are measured as the API server writes them.
    const request = http.get(
      url,
      { agent, headers: cell.headers },
      response => {
        let bytes = 0;
        // Counted, not kept: the client should cost as little as it can.
        response.on('data', (chunk: Buffer) => (bytes += chunk.length));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, bytes }),
        );
        response.on('error', reject);
      },
    );
    request.setTimeout(cell.timeoutMs, () =>
      request.destroy(new Error(`no data for ${cell.timeoutMs} ms`)),
    );
    request.on('error', reject);
  });
}

async function runCell(cell: CellRequest): Promise<CellRun> {
  const agent = new http.Agent({
    keepAlive: true,
    maxSockets: cell.concurrency,
    // Drop idle sockets before a server's 5 s keep-alive limit (Node's
    // default, and the backend's) can close one just as a request goes out:
    // Node's client does not retry that ("socket hang up"), Go's does.
    timeout: 4000,
  });
  const durationsMs: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let bytes = 0;
  let started = 0;
  const worker = async () => {
    while (started < cell.requests) {
      started++;
      const begin = performance.now();
      try {
        const answer = await get(cell.url, cell, agent);
        bytes += answer.bytes;
        if (answer.status !== 200) {
          throw new Error(`HTTP ${answer.status}`);
        }
        if (
          cell.expectBytes !== undefined &&
          answer.bytes !== cell.expectBytes
        ) {
          throw new Error(`${answer.bytes} bytes, not ${cell.expectBytes}`);
        }
      } catch (error) {
        errors++;
        firstError ??= (error as Error).message;
      }
      durationsMs.push(performance.now() - begin);
    }
  };
  // Connection setup is not what is measured. One untimed round of the
  // cell's own request opens every connection on the way (load client to
  // proxy, agent to API server), as many as the cell will keep busy; a
  // single-threaded API server that is saturated otherwise serves its
  // kept-alive connections before accepting new ones, and that stalls only
  // the proxied path, whose agent starts with fewer connections.
  await Promise.all(
    Array.from({ length: cell.concurrency }, () => get(cell.url, cell, agent)),
  );
  const begin = performance.now();
  await Promise.all(Array.from({ length: cell.concurrency }, worker));
  const elapsedMs = performance.now() - begin;
  agent.destroy();
  return { durationsMs, errors, firstError, elapsedMs, bytes };
}

answerParent(runCell);
