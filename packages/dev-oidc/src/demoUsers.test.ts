import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { DEMO_USERS } from './demoUsers';

// The catalog file the portal loads; sign-in finds users there by email.
// eslint-disable-next-line no-restricted-syntax
const orgFile = path.resolve(__dirname, '../../../examples/catalog/org.yaml');

describe('the demo users', () => {
  const entities = parseAllDocuments(fs.readFileSync(orgFile, 'utf8')).map(
    doc => doc.toJS(),
  );
  const users = new Map(
    entities.filter(e => e.kind === 'User').map(e => [e.metadata.name, e]),
  );
  const groups = new Set(
    entities.filter(e => e.kind === 'Group').map(e => e.metadata.name),
  );

  it.each(DEMO_USERS.map(u => [u.username, u]))(
    '%s matches its catalog user',
    (_name, user) => {
      const entity = users.get(user.username);
      expect(entity).toBeDefined();
      expect(entity.spec.profile).toEqual({
        displayName: user.displayName,
        email: user.email,
      });
      expect(entity.spec.memberOf).toEqual(user.groups);
      for (const group of user.groups) expect(groups).toContain(group);
    },
  );

  it('has one user per email address', () => {
    const emails = [...users.values()]
      .map(u => u.spec.profile.email)
      .filter(Boolean);
    expect(new Set(emails).size).toBe(emails.length);
  });
});
