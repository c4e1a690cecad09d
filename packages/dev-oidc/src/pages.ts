import type { DemoUser } from './demoUsers';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, c => ESCAPES[c]);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0;padding:40px 16px;color:#1c1e21}
main{max-width:380px;margin:0 auto;background:#fff;border-radius:8px;padding:24px 28px;box-shadow:0 1px 4px rgba(0,0,0,.15)}
h1{font-size:1.3em;margin:0 0 4px}
p.lead{color:#555;margin:0 0 20px}
label{display:block;font-weight:600;margin:12px 0 4px}
input{width:100%;box-sizing:border-box;padding:8px;font-size:1em;border:1px solid #bbb;border-radius:4px}
button{margin-top:18px;padding:9px 16px;font-size:1em;border:0;border-radius:4px;background:#1f5493;color:#fff;cursor:pointer}
button.secondary{background:none;color:#1f5493;padding-left:8px}
.error{background:#fdecea;color:#8a1c12;padding:8px 12px;border-radius:4px}
table{border-collapse:collapse;font-size:.9em;margin-top:8px}
td{padding:2px 8px 2px 0;vertical-align:top}
footer{max-width:380px;margin:16px auto 0;color:#555;font-size:.85em}
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

export interface LoginPageOptions {
  uid: string;
  clientName: string;
  users: readonly DemoUser[];
  password: string;
  username?: string;
  error?: string;
}

/** The login form; the demo users and their password are listed under it on purpose. */
export function renderLoginPage(options: LoginPageOptions): string {
  const action = `/interaction/${encodeURIComponent(options.uid)}`;
  const error = options.error
    ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>`
    : '';
  const rows = options.users
    .map(
      user =>
        `<tr><td><code>${escapeHtml(user.username)}</code></td><td>${escapeHtml(
          user.displayName,
        )}, ${escapeHtml(user.role)}</td></tr>`,
    )
    .join('\n');
  return page(
    'Sign in · GPU Fleet local IdP',
    `<main>
<h1>Sign in</h1>
<p class="lead">to ${escapeHtml(options.clientName)}</p>
${error}
<form method="post" action="${action}/login">
<label for="username">Username</label>
<input id="username" name="username" autocomplete="username" autofocus required value="${escapeHtml(
      options.username ?? '',
    )}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
<form method="post" action="${action}/abort">
<button type="submit" class="secondary">Cancel</button>
</form>
</main>
<footer>
GPU Fleet's local OpenID Connect provider, for trying the portal as different
people. Every demo user's password is <code>${escapeHtml(
      options.password,
    )}</code>.
<table>
${rows}
</table>
</footer>`,
  );
}

/** A dead end (an expired sign-in, an unknown route): says what to do next. */
export function renderMessagePage(title: string, message: string): string {
  return page(
    title,
    `<main>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(message)}</p>
</main>`,
  );
}
