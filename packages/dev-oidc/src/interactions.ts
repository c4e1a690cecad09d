import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { DemoUser } from './demoUsers';
import { renderLoginPage, renderMessagePage } from './pages';

const MAX_FORM_BYTES = 16 * 1024;

export interface InteractionOptions {
  clientId: string;
  clientName: string;
  users: readonly DemoUser[];
  password: string;
}

function send(res: ServerResponse, status: number, html: string) {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  res.end(html);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) throw new Error('form too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

// Compares digests so the time taken does not depend on where the input differs.
function samePassword(given: string, expected: string): boolean {
  const digest = (s: string) => crypto.createHash('sha256').update(s).digest();
  return crypto.timingSafeEqual(digest(given), digest(expected));
}

/**
 * The provider's interaction routes: the login form, and consent, which is
 * granted without asking because the portal is the only client.
 */
export function createInteractionHandler(
  provider: Provider,
  options: InteractionOptions,
) {
  const loginPage = (
    uid: string,
    extra: { username?: string; error?: string },
  ) =>
    renderLoginPage({
      uid,
      clientName: options.clientName,
      users: options.users,
      password: options.password,
      ...extra,
    });

  async function grantConsent(
    req: IncomingMessage,
    res: ServerResponse,
    details: Awaited<ReturnType<Provider['interactionDetails']>>,
  ) {
    const accountId = details.session?.accountId;
    if (details.params.client_id !== options.clientId || !accountId) {
      send(
        res,
        400,
        renderMessagePage('Sign-in refused', 'Unknown client or no session.'),
      );
      return;
    }
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId, clientId: options.clientId });
    if (!grant) throw new Error(`grant ${details.grantId} not found`);
    const missing = details.prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    if (missing.missingOIDCScope) {
      grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    }
    if (missing.missingOIDCClaims) {
      grant.addOIDCClaims(missing.missingOIDCClaims);
    }
    for (const [resource, scopes] of Object.entries(
      missing.missingResourceScopes ?? {},
    )) {
      grant.addResourceScope(resource, scopes.join(' '));
    }
    const grantId = await grant.save();
    await provider.interactionFinished(
      req,
      res,
      { consent: { grantId } },
      { mergeWithLastSubmission: true },
    );
  }

  async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    uid: string,
    action: string | undefined,
  ) {
    let details;
    try {
      details = await provider.interactionDetails(req, res);
    } catch {
      // No interaction cookie, or it expired: the portal has to start over.
      send(
        res,
        400,
        renderMessagePage(
          'Sign-in expired',
          'This sign-in is no longer valid. Close this window and sign in again from the portal.',
        ),
      );
      return;
    }
    if (details.uid !== uid) {
      send(res, 400, renderMessagePage('Sign-in refused', 'Wrong sign-in.'));
      return;
    }

    if (req.method === 'GET' && action === undefined) {
      if (details.prompt.name === 'login') {
        send(res, 200, loginPage(uid, {}));
      } else if (details.prompt.name === 'consent') {
        await grantConsent(req, res, details);
      } else {
        send(
          res,
          400,
          renderMessagePage('Sign-in refused', `Unsupported prompt.`),
        );
      }
      return;
    }

    if (req.method === 'POST' && action === 'login') {
      const form = await readForm(req);
      const username = (form.get('username') ?? '').trim();
      const user = options.users.find(u => u.username === username);
      // Always compare, so an unknown name costs as much as a wrong password.
      const passwordOk = samePassword(
        form.get('password') ?? '',
        options.password,
      );
      if (!user || !passwordOk) {
        send(
          res,
          401,
          loginPage(uid, { username, error: 'Wrong username or password.' }),
        );
        return;
      }
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: user.username, amr: ['pwd'] } },
        { mergeWithLastSubmission: false },
      );
      return;
    }

    if (req.method === 'POST' && action === 'abort') {
      await provider.interactionFinished(
        req,
        res,
        {
          error: 'access_denied',
          error_description: 'The user cancelled the sign-in',
        },
        { mergeWithLastSubmission: false },
      );
      return;
    }

    send(res, 404, renderMessagePage('Not found', 'No such page.'));
  }

  /** Handles `/interaction/:uid[/:action]`; returns false for other paths. */
  return async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const match = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|abort))?$/.exec(
      path,
    );
    if (!match) return false;
    await handle(req, res, match[1], match[2]);
    return true;
  };
}
