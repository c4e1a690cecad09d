/** Container logs fed programmatically and served like the kubelet's /log endpoint, with follow. */

import { ServerResponse } from 'node:http';
import { isPlainObject, KubeObject } from './kubeObject';
import { ObjectStore } from './ObjectStore';
import { badRequest } from './statusErrors';

interface LogLine {
  time: number;
  text: string;
}

export interface LogQuery {
  container?: string;
  follow?: boolean;
  tailLines?: number;
  timestamps?: boolean;
  sinceSeconds?: number;
  sinceTime?: string;
  limitBytes?: number;
}

interface Follower {
  podUid: string;
  container: string;
  res: ServerResponse;
  timestamps: boolean;
  bytesLeft: number;
}

const DEFAULT_CONTAINER_ANNOTATION = 'kubectl.kubernetes.io/default-container';

/** RFC 3339 with nanoseconds, as the kubelet prefixes lines with `timestamps=true`. */
function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000000Z');
}

function containerNames(pod: KubeObject): string[] {
  const spec = isPlainObject(pod.spec) ? pod.spec : {};
  const names: string[] = [];
  for (const field of ['containers', 'initContainers', 'ephemeralContainers']) {
    const list = spec[field];
    if (Array.isArray(list)) {
      for (const c of list) {
        if (isPlainObject(c) && typeof c.name === 'string') names.push(c.name);
      }
    }
  }
  return names;
}

/** Picks the container a log request means, with the kubelet's error messages. */
export function resolveContainer(
  pod: KubeObject,
  requested: string | undefined,
): string {
  const name = pod.metadata.name;
  const all = containerNames(pod);
  const spec = isPlainObject(pod.spec) ? pod.spec : {};
  const regular = Array.isArray(spec.containers)
    ? spec.containers.filter(isPlainObject).map(c => String(c.name))
    : [];
  if (requested) {
    if (!all.includes(requested)) {
      throw badRequest(`container ${requested} is not valid for pod ${name}`);
    }
    return requested;
  }
  if (regular.length === 1) {
    return regular[0];
  }
  const annotated = pod.metadata.annotations?.[DEFAULT_CONTAINER_ANNOTATION];
  if (annotated && all.includes(annotated)) {
    return annotated;
  }
  throw badRequest(
    `a container name must be specified for pod ${name}, choose one of: [${regular.join(
      ' ',
    )}]`,
  );
}

export interface PodLogsOptions {
  /** Oldest lines are dropped beyond this many per container. */
  maxLinesPerContainer?: number;
}

export class PodLogs {
  // Keyed by pod UID so a recreated pod with the same name starts with empty logs.
  readonly #logs = new Map<string, Map<string, LogLine[]>>();
  readonly #followers = new Set<Follower>();
  readonly #maxLines: number;
  readonly #unsubscribe: () => void;

  constructor(store: ObjectStore, options: PodLogsOptions = {}) {
    this.#maxLines = options.maxLinesPerContainer ?? 10_000;
    this.#unsubscribe = store.subscribe(event => {
      if (event.type === 'DELETED' && event.resource === '/pods') {
        const uid = event.object.metadata.uid!;
        this.#logs.delete(uid);
        for (const f of [...this.#followers]) {
          if (f.podUid === uid) this.#endFollower(f);
        }
      }
    });
  }

  /** Appends lines (split on newlines) to a container's log and streams them to followers. */
  append(pod: KubeObject, container: string | undefined, text: string): void {
    const name = resolveContainer(pod, container);
    const uid = pod.metadata.uid!;
    let containers = this.#logs.get(uid);
    if (!containers) {
      containers = new Map();
      this.#logs.set(uid, containers);
    }
    const lines = containers.get(name) ?? [];
    containers.set(name, lines);
    const time = Date.now();
    for (const part of text.replace(/\n$/, '').split('\n')) {
      const line = { time, text: part };
      lines.push(line);
      for (const f of this.#followers) {
        if (f.podUid === uid && f.container === name) this.#write(f, line);
      }
    }
    if (lines.length > this.#maxLines) {
      lines.splice(0, lines.length - this.#maxLines);
    }
  }

  /** Answers GET .../pods/{name}/log; with follow the response stays open. */
  serve(res: ServerResponse, pod: KubeObject, query: LogQuery): void {
    const container = resolveContainer(pod, query.container);
    let lines = this.#logs.get(pod.metadata.uid!)?.get(container) ?? [];
    let since: number | undefined;
    if (query.sinceSeconds !== undefined) {
      since = Date.now() - query.sinceSeconds * 1000;
    } else if (query.sinceTime) {
      since = Date.parse(query.sinceTime);
    }
    if (since !== undefined && !Number.isNaN(since)) {
      lines = lines.filter(l => l.time >= since);
    }
    if (query.tailLines !== undefined && query.tailLines >= 0) {
      lines = query.tailLines === 0 ? [] : lines.slice(-query.tailLines);
    }
    res.writeHead(200, {
      'Content-Type': 'text/plain',
      'Cache-Control': 'no-cache, private',
      ...(query.follow ? { 'Transfer-Encoding': 'chunked' } : {}),
    });
    const follower: Follower = {
      podUid: pod.metadata.uid!,
      container,
      res,
      timestamps: query.timestamps ?? false,
      bytesLeft:
        query.limitBytes && query.limitBytes > 0 ? query.limitBytes : Infinity,
    };
    for (const line of lines) {
      this.#write(follower, line);
    }
    if (!query.follow || follower.bytesLeft <= 0) {
      res.end();
      return;
    }
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    this.#followers.add(follower);
    res.on('close', () => this.#followers.delete(follower));
  }

  #write(f: Follower, line: LogLine) {
    if (f.bytesLeft <= 0 || f.res.writableEnded) {
      return;
    }
    let text = `${f.timestamps ? `${formatTimestamp(line.time)} ` : ''}${
      line.text
    }\n`;
    if (Buffer.byteLength(text) > f.bytesLeft) {
      text = Buffer.from(text).subarray(0, f.bytesLeft).toString();
    }
    f.bytesLeft -= Buffer.byteLength(text);
    f.res.write(text);
    if (f.bytesLeft <= 0 && this.#followers.has(f)) {
      this.#endFollower(f);
    }
  }

  #endFollower(f: Follower) {
    this.#followers.delete(f);
    f.res.end();
  }

  /** Ends all follow streams (server shutdown). */
  close(): void {
    this.#unsubscribe();
    for (const f of [...this.#followers]) {
      this.#endFollower(f);
    }
  }
}
