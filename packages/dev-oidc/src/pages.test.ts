import { DEMO_USERS } from './demoUsers';
import { escapeHtml, renderLoginPage } from './pages';

describe('renderLoginPage', () => {
  it('escapes what the person typed and shows the error', () => {
    const html = renderLoginPage({
      uid: 'abc',
      clientName: 'the GPU Fleet portal',
      users: DEMO_USERS,
      password: 'demo',
      username: '"><script>alert(1)</script>',
      error: 'Wrong username or password.',
    });
    expect(html).not.toContain('<script>');
    expect(html).toContain(escapeHtml('"><script>alert(1)</script>'));
    expect(html).toContain('role="alert">Wrong username or password.');
    expect(html).toContain('action="/interaction/abc/login"');
    for (const user of DEMO_USERS) expect(html).toContain(user.displayName);
  });
});
