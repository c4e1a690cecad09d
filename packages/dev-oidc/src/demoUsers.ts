/** A person the local OpenID Connect provider signs in. */
export interface DemoUser {
  /** Login name; also the `sub` and `preferred_username` claims. */
  username: string;
  displayName: string;
  /** The portal finds the catalog user by this address. */
  email: string;
  /** Names of the catalog groups the user is a direct member of (`groups` claim). */
  groups: string[];
  /** Who this is in the demo, for the login page and the startup output. */
  role: string;
}

/**
 * Every demo user signs in with this password. The provider exists for
 * local use only; never point a shared portal at it.
 */
export const DEMO_PASSWORD = 'demo';

/** The people in examples/catalog/org.yaml (a test keeps the two in step). */
export const DEMO_USERS: readonly DemoUser[] = [
  {
    username: 'alice',
    displayName: 'Alice Platform',
    email: 'alice@example.com',
    groups: ['ml-platform'],
    role: 'platform admin (ml-platform, the fleet admins)',
  },
  {
    username: 'bob',
    displayName: 'Bob Trainer',
    email: 'bob@example.com',
    groups: ['llm-team'],
    role: 'ML engineer (llm-team, part of ml-research)',
  },
  {
    username: 'carol',
    displayName: 'Carol Viewer',
    email: 'carol@example.com',
    groups: ['ml-observers'],
    role: 'viewer (ml-observers)',
  },
  {
    username: 'dave',
    displayName: 'Dave Newcomer',
    email: 'dave@example.com',
    groups: ['finance'],
    role: 'no workspace (finance)',
  },
];
