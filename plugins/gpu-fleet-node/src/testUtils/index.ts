/** Test helpers for GPU Fleet backends: real signed user tokens and a real permission backend. */
export { TestUserTokens } from './TestUserTokens';
export type { TestUserClaims, TestUserTokenOptions } from './TestUserTokens';
export { testAuthPlugin } from './testAuthPlugin';
export { allowOnlyUsers, testPermissionPolicy } from './testPermissionPolicy';
export type { TestPolicyUser } from './testPermissionPolicy';
export { pluginDatabaseFactory } from './pluginDatabaseFactory';
