import { ResponseError } from '@backstage/errors';
import { errorMessage } from './apiErrors';

/** One part of a 4xx message: the field path the API named, and what it said. */
export interface ApiIssue {
  /** As the API wrote it (`gpuQuota[1].count`); empty when no field is named. */
  path: string;
  message: string;
}

/**
 * Splits the API's 4xx message ("name: ...; gpuQuota[1].count: ...") into
 * issues keyed by their full path, so a form can mark the very row at fault.
 * Some messages contain "; " themselves ("is not a known GPU type; known:
 * ..."), so a part starts a new issue only when it names one of `fields`,
 * the request's top-level fields; otherwise it belongs to the one before.
 */
export function apiIssues(
  error: unknown,
  fields: readonly string[],
): ApiIssue[] {
  const message = errorMessage(error);
  const status = error instanceof ResponseError ? error.statusCode : undefined;
  if (status === undefined || status < 400 || status >= 500) {
    return [{ path: '', message }];
  }
  const issues: ApiIssue[] = [];
  for (const part of message.split('; ')) {
    const match = /^([^\s:]+): (.*)$/s.exec(part);
    const top = match?.[1].split(/[.[]/)[0];
    if (match && top !== undefined && fields.includes(top)) {
      issues.push({ path: match[1], message: match[2] });
    } else if (issues.length > 0 && !part.startsWith('(body): ')) {
      issues[issues.length - 1].message += `; ${part}`;
    } else {
      issues.push({ path: '', message: part.replace(/^\(body\): /, '') });
    }
  }
  return issues;
}

/** Whether `issue` is about `path` itself or anything inside it. */
export function isIssueUnder(issue: ApiIssue, path: string): boolean {
  return (
    issue.path === path ||
    issue.path.startsWith(`${path}.`) ||
    issue.path.startsWith(`${path}[`)
  );
}

/** The messages about exactly `path`, joined; undefined when there are none. */
export function issueAt(
  issues: readonly ApiIssue[],
  path: string,
): string | undefined {
  const messages = issues.filter(i => i.path === path).map(i => i.message);
  return messages.length > 0 ? messages.join('; ') : undefined;
}

/** The issue as one line that names its field, as the API said it. */
export function issueText(issue: ApiIssue): string {
  return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
}

/** The issues no input on the form shows: neither at nor under any of `shown`. */
export function issuesNotShown(
  issues: readonly ApiIssue[],
  shown: readonly string[],
): ApiIssue[] {
  return issues.filter(issue => !shown.some(p => isIssueUnder(issue, p)));
}
