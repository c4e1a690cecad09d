/**
 * A browser stand-in for HTTP tests: keeps cookies and follows redirects
 * one at a time, so a test sees every hop and stops at the client's redirect.
 */
export class CookieBrowser {
  private readonly cookies = new Map<string, string>();

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) {
      headers.set(
        'Cookie',
        [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
      );
    }
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair, ...attributes] = cookie.split(';');
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      const expired = attributes.some(a =>
        /^\s*(max-age=0|expires=thu, 01 jan 1970)/i.test(a),
      );
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  /** Posts a form the way a browser submits one. */
  submit(url: string, fields: Record<string, string>): Promise<Response> {
    return this.request(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  }

  /**
   * Follows redirects from `url` until a page answers or the next hop leaves
   * for `stopAt` (the client's redirect URI), which is returned unvisited.
   */
  async follow(
    url: string,
    stopAt: string,
    first?: Response,
  ): Promise<{ response?: Response; url: string }> {
    let current = url;
    let response = first ?? (await this.request(current));
    for (let hops = 0; hops < 10; hops++) {
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) {
        return { response, url: current };
      }
      current = new URL(location, current).toString();
      if (current.startsWith(stopAt)) return { url: current };
      response = await this.request(current);
    }
    throw new Error(`too many redirects from ${url}`);
  }
}
