/** Minimal HTTP and watch-stream clients the tests use to talk to a simulator. */

import http from 'node:http';

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any;
}

export interface RequestOptions {
  body?: unknown;
  contentType?: string;
  accept?: string;
}

/** Sends one request; object bodies go as JSON, strings verbatim. */
export async function request(
  baseUrl: string,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = {};
  let body: string | undefined;
  if (options.body !== undefined) {
    body =
      typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
    headers['Content-Type'] = options.contentType ?? 'application/json';
  }
  if (options.accept) {
    headers.Accept = options.accept;
  }
  const res = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep text (logs, health checks)
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

export interface WatchEvent {
  type: string;
  object: any;
}

export interface WatchStream {
  statusCode: number;
  events: WatchEvent[];
  /** Resolves once `count` events have arrived in total. */
  waitForEvents(count: number, timeoutMs?: number): Promise<WatchEvent[]>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

/** Opens a watch (or any newline-delimited JSON stream) and collects its events. */
export function openWatch(
  baseUrl: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<WatchStream> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      `${baseUrl}${path}`,
      { headers, agent: false },
      res => {
        const events: WatchEvent[] = [];
        const waiters: Array<() => void> = [];
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let newline = buffer.indexOf('\n');
          while (newline >= 0) {
            const line = buffer.slice(0, newline);
            buffer = buffer.slice(newline + 1);
            if (line.trim()) events.push(JSON.parse(line));
            newline = buffer.indexOf('\n');
          }
          waiters.splice(0).forEach(w => w());
        });
        const ended = new Promise<void>(done => {
          res.on('end', done);
          res.on('close', done);
        });
        resolve({
          statusCode: res.statusCode ?? 0,
          events,
          ended,
          close: () => req.destroy(),
          waitForEvents(count, timeoutMs = 5000) {
            return new Promise((ok, fail) => {
              const timer = setTimeout(
                () =>
                  fail(
                    new Error(
                      `timed out waiting for ${count} events, got ${JSON.stringify(
                        events.map(e => e.type),
                      )}`,
                    ),
                  ),
                timeoutMs,
              );
              const check = () => {
                if (events.length >= count) {
                  clearTimeout(timer);
                  ok(events.slice(0, count));
                } else {
                  waiters.push(check);
                }
              };
              check();
            });
          },
        });
      },
    );
    req.on('error', reject);
  });
}
