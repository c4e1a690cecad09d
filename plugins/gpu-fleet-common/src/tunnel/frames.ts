import { z } from 'zod';
import {
  kubeApiPathProblem,
  MAX_TUNNEL_HEADER_BYTES,
  MAX_TUNNEL_HEADER_NAME_CHARS,
  MAX_TUNNEL_PATH_CHARS,
  TUNNEL_METHODS,
} from './tunnelRequests';

/** Bumped on any incompatible change; the gateway refuses other versions. */
export const TUNNEL_PROTOCOL_VERSION = 1;

/** Default largest WebSocket message either side accepts (header included). */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;

/** One byte of frame type, four of stream id, then the payload. */
export const FRAME_HEADER_BYTES = 5;

export const FrameType = {
  Hello: 0x01,
  Welcome: 0x02,
  Request: 0x03,
  Response: 0x04,
  Data: 0x05,
  End: 0x06,
  Cancel: 0x07,
  Window: 0x08,
  Error: 0x09,
  Report: 0x0a,
  GoAway: 0x0b,
} as const;

export type FrameTypeName = keyof typeof FrameType;

const headers = z.record(
  z.string().max(MAX_TUNNEL_HEADER_NAME_CHARS),
  z.string().max(MAX_TUNNEL_HEADER_BYTES),
);

const helloSchema = z.strictObject({
  protocolVersion: z.number().int().positive(),
  agentVersion: z.string().min(1).max(100),
  clusterName: z.string().min(1).max(63),
  kubernetesVersion: z.string().max(100).optional(),
});
const welcomeSchema = z.strictObject({
  protocolVersion: z.number().int().positive(),
  maxFrameBytes: z.number().int().positive(),
  initialWindowBytes: z.number().int().positive(),
  heartbeatIntervalMs: z.number().int().positive(),
});
const requestSchema = z.strictObject({
  method: z.enum(TUNNEL_METHODS),
  // Only API paths, never with dot segments: the agent never reaches
  // anything but its API server, under its server URL's prefix.
  path: z
    .string()
    .max(MAX_TUNNEL_PATH_CHARS)
    .superRefine((path, ctx) => {
      const problem = kubeApiPathProblem(path);
      if (problem) {
        ctx.addIssue({
          code: 'custom',
          message: problem.replace(/^path: /, ''),
        });
      }
    }),
  headers,
  hasBody: z.boolean(),
  stream: z.boolean(),
  timeoutMs: z.number().int().positive().max(3_600_000).optional(),
});
const responseSchema = z.strictObject({
  // Node's HTTP client never yields 1xx as a response; an agent that sends
  // one would leave the caller with a bare 101 or a hung socket.
  status: z
    .number()
    .int()
    .min(200, 'informational (1xx) answers are not carried by the tunnel')
    .max(599),
  headers,
});
const reasonSchema = z.strictObject({ reason: z.string().max(2000) });
const windowSchema = z.strictObject({
  bytes: z
    .number()
    .int()
    .positive()
    .max(2 ** 31),
});
const errorSchema = z.strictObject({
  message: z.string().max(4000),
  status: z.number().int().min(400).max(599).optional(),
});
const reportSchema = z.strictObject({
  kind: z.enum(['prerequisites', 'status', 'inventory']),
  body: z.unknown(),
});

/** Frames that carry JSON, with the schema each payload must meet. */
const controlSchemas = {
  Hello: helloSchema,
  Welcome: welcomeSchema,
  Request: requestSchema,
  Response: responseSchema,
  Cancel: reasonSchema,
  Window: windowSchema,
  Error: errorSchema,
  Report: reportSchema,
  GoAway: reasonSchema,
} as const;

/** Frames about the connection travel on stream 0; the rest on their own stream. */
const CONNECTION_FRAMES: FrameTypeName[] = [
  'Hello',
  'Welcome',
  'Report',
  'GoAway',
];

export type Frame =
  | { type: 'Hello'; streamId: 0; payload: z.infer<typeof helloSchema> }
  | { type: 'Welcome'; streamId: 0; payload: z.infer<typeof welcomeSchema> }
  | {
      type: 'Request';
      streamId: number;
      payload: z.infer<typeof requestSchema>;
    }
  | {
      type: 'Response';
      streamId: number;
      payload: z.infer<typeof responseSchema>;
    }
  | { type: 'Data'; streamId: number; payload: Uint8Array }
  | { type: 'End'; streamId: number }
  | { type: 'Cancel'; streamId: number; payload: z.infer<typeof reasonSchema> }
  | { type: 'Window'; streamId: number; payload: z.infer<typeof windowSchema> }
  | { type: 'Error'; streamId: number; payload: z.infer<typeof errorSchema> }
  | { type: 'Report'; streamId: 0; payload: z.infer<typeof reportSchema> }
  | { type: 'GoAway'; streamId: 0; payload: z.infer<typeof reasonSchema> };

/** A frame the peer must not have sent; the session closes with this reason. */
export class TunnelProtocolError extends Error {
  readonly name: string = 'TunnelProtocolError';
}

/**
 * A well-formed frame header whose payload is wrong: only that stream is
 * reset (Cancel or Error on it); the session and its other streams go on.
 */
export class TunnelStreamError extends Error {
  readonly name = 'TunnelStreamError';
  constructor(
    message: string,
    readonly streamId: number,
    readonly frameType: FrameTypeName,
  ) {
    super(message);
  }
}

const typeNames = new Map<number, FrameTypeName>(
  Object.entries(FrameType).map(([name, code]) => [
    code,
    name as FrameTypeName,
  ]),
);
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeFrame(frame: Frame): Uint8Array {
  let body: Uint8Array;
  if (frame.type === 'Data') body = frame.payload;
  else if (frame.type === 'End') body = new Uint8Array(0);
  else body = encoder.encode(JSON.stringify(frame.payload));
  const bytes = new Uint8Array(FRAME_HEADER_BYTES + body.length);
  const view = new DataView(bytes.buffer);
  view.setUint8(0, FrameType[frame.type]);
  view.setUint32(1, frame.streamId);
  bytes.set(body, FRAME_HEADER_BYTES);
  return bytes;
}

/** Parses one WebSocket message; every refusal names what is wrong. */
export function decodeFrame(
  bytes: Uint8Array,
  options: { maxFrameBytes?: number } = {},
): Frame {
  const max = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  if (bytes.length > max) {
    throw new TunnelProtocolError(
      `frame: ${bytes.length} bytes is over the ${max}-byte limit`,
    );
  }
  if (bytes.length < FRAME_HEADER_BYTES) {
    throw new TunnelProtocolError(
      `frame: ${bytes.length} bytes is shorter than the 5-byte header`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const code = view.getUint8(0);
  const type = typeNames.get(code);
  if (!type) {
    throw new TunnelProtocolError(
      `frame.type: unknown frame type 0x${code.toString(16)}`,
    );
  }
  const streamId = view.getUint32(1);
  const onConnection = CONNECTION_FRAMES.includes(type);
  if (onConnection && streamId !== 0) {
    throw new TunnelProtocolError(
      `frame.streamId: ${type} travels on stream 0, not ${streamId}`,
    );
  }
  if (!onConnection && streamId === 0) {
    throw new TunnelProtocolError(
      `frame.streamId: ${type} needs a stream id other than 0`,
    );
  }
  const body = bytes.subarray(FRAME_HEADER_BYTES);
  // Past the header, a stream frame's fault belongs to its stream alone.
  const refuse = (message: string) =>
    onConnection
      ? new TunnelProtocolError(message)
      : new TunnelStreamError(message, streamId, type);
  if (type === 'Data') return { type, streamId, payload: body };
  if (type === 'End') {
    if (body.length > 0) throw refuse('frame.payload: End carries no payload');
    return { type, streamId };
  }

  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(body));
  } catch {
    throw refuse(`frame.payload: ${type} payload is not UTF-8 JSON`);
  }
  const result = controlSchemas[type].safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = ['payload', ...issue.path.map(String)].join('.');
    throw refuse(`frame.${field}: ${issue.message} (in ${type})`);
  }
  return { type, streamId, payload: result.data } as Frame;
}
