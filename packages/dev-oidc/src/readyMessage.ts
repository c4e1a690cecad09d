import type { DemoUser } from './demoUsers';

/** What the command sends its parent over IPC once it answers requests. */
export interface DevOidcReadyMessage {
  type: 'gpu-fleet-dev-oidc.ready';
  issuer: string;
  clientId: string;
  redirectUri: string;
  /** The demo users' shared password (local use only). */
  password: string;
  users: Pick<DemoUser, 'username' | 'displayName' | 'role'>[];
}

export function isReadyMessage(
  message: unknown,
): message is DevOidcReadyMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === 'gpu-fleet-dev-oidc.ready'
  );
}
