import {
  decodeFrame,
  encodeFrame,
  Frame,
  FrameType,
  TunnelProtocolError,
  TunnelStreamError,
} from './frames';

function refusalOf(bytes: Uint8Array, maxFrameBytes?: number): Error {
  try {
    decodeFrame(bytes, { maxFrameBytes });
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the frame to be refused');
}

/** A refusal that ends the whole session. */
function refusal(bytes: Uint8Array, maxFrameBytes?: number): string {
  const error = refusalOf(bytes, maxFrameBytes);
  expect(error).toBeInstanceOf(TunnelProtocolError);
  return error.message;
}

/** A refusal that resets only the frame's own stream. */
function streamRefusal(bytes: Uint8Array, streamId = 1): string {
  const error = refusalOf(bytes);
  expect(error).toBeInstanceOf(TunnelStreamError);
  expect((error as TunnelStreamError).streamId).toBe(streamId);
  return error.message;
}

const request = (fields: object) =>
  JSON.stringify({
    method: 'GET',
    path: '/api/v1/pods',
    headers: {},
    hasBody: false,
    stream: false,
    ...fields,
  });

function raw(type: number, streamId: number, payload: string | Uint8Array) {
  const body =
    typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
  const bytes = new Uint8Array(5 + body.length);
  const view = new DataView(bytes.buffer);
  view.setUint8(0, type);
  view.setUint32(1, streamId);
  bytes.set(body, 5);
  return bytes;
}

describe('tunnel frames', () => {
  it('round-trips every kind of frame', () => {
    const frames: Frame[] = [
      {
        type: 'Hello',
        streamId: 0,
        payload: {
          protocolVersion: 1,
          agentVersion: '0.1.0',
          clusterName: 'eks-p5',
          kubernetesVersion: 'v1.30.2',
        },
      },
      {
        type: 'Welcome',
        streamId: 0,
        payload: {
          protocolVersion: 1,
          maxFrameBytes: 1048576,
          initialWindowBytes: 262144,
          heartbeatIntervalMs: 15000,
        },
      },
      {
        type: 'Request',
        streamId: 7,
        payload: {
          method: 'GET',
          path: '/api/v1/namespaces/ml/pods?watch=1&resourceVersion=42',
          headers: { accept: 'application/json' },
          hasBody: false,
          stream: true,
        },
      },
      { type: 'Response', streamId: 7, payload: { status: 200, headers: {} } },
      { type: 'Data', streamId: 7, payload: new Uint8Array([0, 1, 2, 255]) },
      { type: 'Window', streamId: 7, payload: { bytes: 65536 } },
      { type: 'Cancel', streamId: 7, payload: { reason: 'client went away' } },
      {
        type: 'Error',
        streamId: 9,
        payload: { message: 'timed out', status: 504 },
      },
      { type: 'End', streamId: 7 },
      {
        type: 'Report',
        streamId: 0,
        payload: { kind: 'prerequisites', body: { checks: [] } },
      },
      { type: 'GoAway', streamId: 0, payload: { reason: 'token revoked' } },
    ];
    for (const frame of frames) {
      expect(decodeFrame(encodeFrame(frame))).toEqual(frame);
    }
  });

  it('refuses an oversized frame before reading it', () => {
    const big = encodeFrame({
      type: 'Data',
      streamId: 1,
      payload: new Uint8Array(2048),
    });
    expect(refusal(big, 1024)).toBe(
      'frame: 2053 bytes is over the 1024-byte limit',
    );
  });

  it('names what is wrong with a malformed frame', () => {
    expect(refusal(new Uint8Array([1, 0]))).toMatch(
      /^frame: 2 bytes is shorter/,
    );
    expect(refusal(raw(0x7f, 1, ''))).toBe(
      'frame.type: unknown frame type 0x7f',
    );
    expect(refusal(raw(FrameType.Hello, 3, '{}'))).toMatch(
      /^frame.streamId: Hello travels on stream 0/,
    );
    expect(refusal(raw(FrameType.Data, 0, 'x'))).toMatch(
      /^frame.streamId: Data needs a stream id/,
    );
    expect(refusal(raw(FrameType.Report, 0, '{not json'))).toBe(
      'frame.payload: Report payload is not UTF-8 JSON',
    );
  });

  it("blames a stream frame's bad payload on its stream alone", () => {
    expect(streamRefusal(raw(FrameType.Request, 1, '{not json'))).toBe(
      'frame.payload: Request payload is not UTF-8 JSON',
    );
    expect(streamRefusal(raw(FrameType.End, 7, 'x'), 7)).toBe(
      'frame.payload: End carries no payload',
    );
    expect(
      streamRefusal(
        raw(
          FrameType.Request,
          1,
          JSON.stringify({
            method: 'GET',
            path: '/etc/passwd',
            headers: {},
            hasBody: false,
            stream: false,
          }),
        ),
      ),
    ).toBe(
      "frame.payload.path: '/etc/passwd' is not a Kubernetes API path (in Request)",
    );
    expect(
      streamRefusal(
        raw(
          FrameType.Response,
          1,
          JSON.stringify({ status: 700, headers: {} }),
        ),
      ),
    ).toMatch(/^frame.payload.status: .* \(in Response\)$/);
    expect(
      streamRefusal(
        raw(FrameType.Window, 1, JSON.stringify({ bytes: 1, extra: true })),
      ),
    ).toMatch(/^frame.payload: .*extra/);
  });

  it('refuses requests the API server must never see, naming the field', () => {
    expect(
      streamRefusal(raw(FrameType.Request, 1, request({ method: 'OPTIONS' }))),
    ).toMatch(/^frame.payload.method: /);
    expect(
      streamRefusal(
        raw(FrameType.Request, 1, request({ path: '/api/../healthz' })),
      ),
    ).toBe("frame.payload.path: dot segment '..' is not allowed (in Request)");
    expect(
      streamRefusal(
        raw(FrameType.Request, 1, request({ path: '/api/%2e%2E/livez' })),
      ),
    ).toBe(
      "frame.payload.path: dot segment '%2e%2E' is not allowed (in Request)",
    );
    expect(
      streamRefusal(
        raw(
          FrameType.Request,
          1,
          request({ path: `/api/v1/${'a'.repeat(8200)}` }),
        ),
      ),
    ).toMatch(/^frame.payload.path: /);
    expect(
      streamRefusal(
        raw(
          FrameType.Request,
          1,
          request({ headers: { accept: 'x'.repeat(8193) } }),
        ),
      ),
    ).toMatch(/^frame.payload.headers.accept: /);
    expect(
      streamRefusal(
        raw(
          FrameType.Response,
          1,
          JSON.stringify({ status: 101, headers: {} }),
        ),
      ),
    ).toBe(
      'frame.payload.status: informational (1xx) answers are not carried by the tunnel (in Response)',
    );
  });
});
