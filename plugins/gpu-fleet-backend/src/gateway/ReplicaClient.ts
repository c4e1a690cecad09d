import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AuthService } from '@backstage/backend-plugin-api';
import { ReplicaAddress } from './SessionDirectory';
import {
  TunnelRequest,
  TunnelRequestError,
  TunnelResponse,
} from './TunnelStream';

/** Carries the tunnel request's own fields between replicas. */
export const REPLICA_REQUEST_HEADER = 'x-gpu-fleet-tunnel-request';

export interface ReplicaTunnelRequest {
  method: TunnelRequest['method'];
  path: string;
  headers: Record<string, string>;
  stream: boolean;
  timeoutMs?: number;
}

/** Talks to the replica that holds a cluster's session, as this plugin's service identity. */
export class ReplicaClient {
  constructor(private readonly auth: AuthService) {}

  async request(
    holder: ReplicaAddress,
    clusterName: string,
    req: TunnelRequest,
  ): Promise<TunnelResponse> {
    const described: ReplicaTunnelRequest = {
      method: req.method,
      path: req.path,
      headers: req.headers ?? {},
      stream: req.stream ?? false,
      timeoutMs: req.timeoutMs,
    };
    const response = await this.send(
      holder,
      `/replica/clusters/${clusterName}/tunnel`,
      'POST',
      {
        [REPLICA_REQUEST_HEADER]: encodeURIComponent(JSON.stringify(described)),
        'content-type': 'application/octet-stream',
      },
      req.body,
      req.signal,
    );
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(response.headers)) {
      if (typeof value === 'string') headers[key] = value;
    }
    return { status: response.statusCode ?? 502, headers, body: response };
  }

  /** Asks the holder to end its session, e.g. after this replica rotated the token. */
  async closeSession(
    holder: ReplicaAddress,
    clusterName: string,
    reason: string,
    replaced: boolean,
  ): Promise<void> {
    const response = await this.send(
      holder,
      `/replica/clusters/${clusterName}/session/close`,
      'POST',
      { 'content-type': 'application/json' },
      Buffer.from(JSON.stringify({ reason, replaced })),
    );
    response.resume();
    if ((response.statusCode ?? 500) >= 400) {
      throw new Error(
        `replica ${holder.replicaId} answered ${response.statusCode} to closing ${clusterName}'s session`,
      );
    }
  }

  private async send(
    holder: ReplicaAddress,
    path: string,
    method: string,
    headers: Record<string, string>,
    body?: TunnelRequest['body'],
    signal?: AbortSignal,
  ): Promise<http.IncomingMessage> {
    const { token } = await this.auth.getPluginRequestToken({
      onBehalfOf: await this.auth.getOwnServiceCredentials(),
      targetPluginId: 'gpu-fleet',
    });
    const url = new URL(`${holder.url.replace(/\/$/, '')}${path}`);
    const transport = url.protocol === 'https:' ? https : http;
    const buffered = Buffer.isBuffer(body) ? body : undefined;
    const streamed = Buffer.isBuffer(body) ? undefined : body;
    return new Promise((resolve, reject) => {
      const outgoing = transport.request(url, {
        method,
        headers: {
          ...headers,
          authorization: `Bearer ${token}`,
          // A streamed body goes chunked, as it arrives from the caller.
          ...(streamed
            ? {}
            : { 'content-length': String(buffered?.length ?? 0) }),
        },
        signal,
      });
      outgoing.on('response', resolve);
      outgoing.on('error', error => {
        // A refused body (e.g. over the size limit) keeps its own status.
        if (error instanceof TunnelRequestError) reject(error);
        else if (signal?.aborted)
          reject(new TunnelRequestError('the caller went away', 499));
        else
          reject(
            new TunnelRequestError(
              `the replica holding this cluster's session (${holder.replicaId}) is unreachable: ${error.message}`,
              503,
            ),
          );
      });
      if (streamed) {
        pipeline(
          Readable.from(streamed, { objectMode: false }),
          outgoing,
        ).catch(reject);
      } else {
        outgoing.end(buffered);
      }
    });
  }
}
