import { DEFAULT_MAX_FRAME_BYTES } from '@gpu-fleet/plugin-gpu-fleet-common';
import { TunnelLimits } from './TunnelSession';

/** The limits docs/tunnel-protocol.md promises agents. */
export const DEFAULT_TUNNEL_LIMITS: TunnelLimits = {
  maxFrameBytes: DEFAULT_MAX_FRAME_BYTES,
  initialWindowBytes: 256 * 1024,
  heartbeatIntervalMs: 15_000,
  helloTimeoutMs: 10_000,
};
