import { ResponseError } from '@backstage/errors';

const JSON_HEADERS = { 'content-type': 'application/json' };

function causeOf(
  parsed: any,
  response: Response,
  text: string,
): { name: string; message: string } {
  if (parsed?.error && typeof parsed.error.message === 'string') {
    return parsed.error;
  }
  // The kube proxy route answers as the Kubernetes API does.
  if (parsed?.kind === 'Status' && typeof parsed.message === 'string') {
    return { name: String(parsed.reason ?? 'Error'), message: parsed.message };
  }
  const line = [
    `Request failed with status ${response.status}`,
    response.statusText,
  ]
    .filter(Boolean)
    .join(' ');
  return { name: 'Error', message: text ? `${line}: ${text}` : line };
}

/**
 * A ResponseError for any failed answer, with the server's message as its
 * cause: Backstage's error body (its other fields, such as a refused
 * retarget's `unmet`, stay in `body`), a Kubernetes Status, or plain text.
 */
export async function responseError(
  response: Response,
): Promise<ResponseError> {
  const text = await response.text().catch(() => '');
  let parsed: any;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  const error = causeOf(parsed, response, text);
  const body = {
    ...(parsed?.error ? parsed : {}),
    error,
    response: { statusCode: response.status },
  };
  return ResponseError.fromResponse({
    ok: false,
    status: response.status,
    statusText: response.statusText,
    url: response.url,
    redirected: response.redirected,
    type: response.type,
    headers: new Headers(JSON_HEADERS),
    text: async () => JSON.stringify(body),
  });
}
