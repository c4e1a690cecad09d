import { Response } from 'express';

const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  413: 'RequestEntityTooLarge',
  499: 'ClientClosedRequest',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** Errors in the shape kubectl and client libraries understand. */
export function sendKubeStatus(res: Response, code: number, message: string) {
  res.status(code).json({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: REASONS[code] ?? 'InternalError',
    code,
  });
}
