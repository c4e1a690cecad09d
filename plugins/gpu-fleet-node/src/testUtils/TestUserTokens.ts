import crypto from 'node:crypto';
import { BackendFeature } from '@backstage/backend-plugin-api';
import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { userInfoServiceFactory } from '@backstage/backend-defaults/userInfo';
import { tokenTypes } from '@backstage/plugin-auth-node';
import {
  decodeProtectedHeader,
  exportJWK,
  GeneralSign,
  generateKeyPair,
  JWK,
  jwtVerify,
  KeyLike,
  SignJWT,
} from 'jose';
import { testAuthPlugin } from './testAuthPlugin';

const ALGORITHM = 'ES256';
const ONE_HOUR_SECONDS = 3600;

/** Claims the auth backend keeps for a signed-in user and answers at /v1/userinfo. */
export interface TestUserClaims {
  sub: string;
  ent: string[];
}

export interface TestUserTokenOptions {
  /** Ownership refs besides the user itself (the `ent` claim), e.g. groups. */
  ownershipEntityRefs?: string[];
  /** Lifetime in seconds; one hour, as the auth backend's default. */
  expiresInSeconds?: number;
}

/**
 * Signs Backstage user tokens exactly as the auth backend does
 * (`@backstage/plugin-auth-backend`'s issueUserToken: ES256, `typ`
 * vnd.backstage.user, `uip` for limited tokens), and publishes the key where
 * Backstage's real auth service looks for it, so a test backend verifies
 * them for real instead of treating any request as a mock user.
 */
export class TestUserTokens {
  readonly issuer = 'http://gpu-fleet-test-identity/api/auth';
  private readonly claims = new Map<string, TestUserClaims>();

  static async create(): Promise<TestUserTokens> {
    const kid = crypto.randomUUID();
    const signing = await generateKeyPair(ALGORITHM);
    // The forger knows the key id, but not the private key.
    const forger = await generateKeyPair(ALGORITHM);
    const publicKey = {
      ...(await exportJWK(signing.publicKey)),
      kid,
      alg: ALGORITHM,
      use: 'sig',
    };
    return new TestUserTokens(kid, signing, forger.privateKey, publicKey);
  }

  private constructor(
    private readonly kid: string,
    private readonly signing: { privateKey: KeyLike; publicKey: KeyLike },
    private readonly forgerKey: KeyLike,
    private readonly publicJwk: JWK,
  ) {}

  /** A valid token for the user, e.g. `user:default/alice`. */
  token(userEntityRef: string, options: TestUserTokenOptions = {}) {
    return this.sign(this.signing.privateKey, userEntityRef, options);
  }

  /** The same claims and key id, signed with a key the backend never published. */
  forgedToken(userEntityRef: string, options: TestUserTokenOptions = {}) {
    return this.sign(this.forgerKey, userEntityRef, options);
  }

  /** Correctly signed, but its `exp` has passed. */
  expiredToken(userEntityRef: string) {
    return this.sign(this.signing.privateKey, userEntityRef, {
      expiresInSeconds: -60,
    });
  }

  /** The JSON Web Key Set the auth backend serves at /.well-known/jwks.json. */
  publicKeys(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }

  /**
   * What the auth backend's /v1/userinfo answers for a user or limited user
   * token it signed; undefined for any other token.
   */
  async userInfo(token: string): Promise<TestUserClaims | undefined> {
    try {
      const { typ } = decodeProtectedHeader(token);
      if (
        typ !== tokenTypes.user.typParam &&
        typ !== tokenTypes.limitedUser.typParam
      ) {
        return undefined;
      }
      const { payload } = await jwtVerify(token, this.signing.publicKey, {
        typ,
        requiredClaims: ['iat', 'exp', 'sub'],
      });
      return this.claims.get(String(payload.sub));
    } catch {
      return undefined;
    }
  }

  /**
   * Backstage's real auth, httpAuth and userInfo services, and the `auth`
   * plugin stand-in that publishes this issuer's keys. Add them to
   * `startTestBackend({ features })` in place of the mocks.
   */
  backendFeatures(): BackendFeature[] {
    return [
      authServiceFactory,
      httpAuthServiceFactory,
      userInfoServiceFactory,
      testAuthPlugin(this),
    ];
  }

  private async sign(
    key: KeyLike,
    sub: string,
    options: TestUserTokenOptions,
  ): Promise<string> {
    const ent = [sub, ...(options.ownershipEntityRefs ?? [])];
    this.claims.set(sub, { sub, ent });
    const lifetime = options.expiresInSeconds ?? ONE_HOUR_SECONDS;
    const now = Math.floor(Date.now() / 1000);
    // An expired token was issued a lifetime before it expired.
    const iat = lifetime > 0 ? now : now + lifetime - ONE_HOUR_SECONDS;
    const exp = now + lifetime;
    // The signature of the limited user token Backstage derives from this one
    // when a plugin calls another on the user's behalf.
    const limited = await new GeneralSign(
      new TextEncoder().encode(JSON.stringify({ sub, iat, exp })),
    )
      .addSignature(key)
      .setProtectedHeader({
        typ: tokenTypes.limitedUser.typParam,
        alg: ALGORITHM,
        kid: this.kid,
      })
      .done()
      .sign();
    return new SignJWT({
      iss: this.issuer,
      sub,
      ent,
      aud: tokenTypes.user.audClaim,
      iat,
      exp,
      uip: limited.signatures[0].signature,
    })
      .setProtectedHeader({
        typ: tokenTypes.user.typParam,
        alg: ALGORITHM,
        kid: this.kid,
      })
      .sign(key);
  }
}
