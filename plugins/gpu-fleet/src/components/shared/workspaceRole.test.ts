import { callerRole } from './workspaceRole';

describe('callerRole', () => {
  it('names the strongest right the policy granted', () => {
    const none = {
      read: true,
      deploy: false,
      administer: false,
      delete: false,
    };
    expect(callerRole(none)).toBe('viewer');
    expect(callerRole({ ...none, deploy: true })).toBe('deployer');
    expect(callerRole({ ...none, deploy: true, administer: true })).toBe(
      'admin',
    );
    // Deleting alone (a fleet admin's right) grants nothing inside it.
    expect(callerRole({ ...none, delete: true })).toBe('viewer');
  });
});
