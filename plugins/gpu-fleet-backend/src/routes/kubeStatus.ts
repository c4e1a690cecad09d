import { LoggerService } from '@backstage/backend-plugin-api';
import {
  AuthenticationError,
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ResponseError,
} from '@backstage/errors';
import { ErrorRequestHandler, Response } from 'express';
import { TunnelRequestError } from '../gateway/TunnelStream';

// Kubernetes StatusReason values, so clients print what they expect.
const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  413: 'RequestEntityTooLarge',
  414: 'BadRequest',
  431: 'BadRequest',
  499: 'BadRequest',
  502: 'InternalError',
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

/** The HTTP status a failure on the proxy route stands for. */
export function kubeStatusCodeOf(error: unknown): number {
  if (error instanceof TunnelRequestError) return error.status;
  if (error instanceof ResponseError) return error.response.status;
  if (error instanceof AuthenticationError) return 401;
  if (error instanceof NotAllowedError) return 403;
  if (error instanceof InputError) return 400;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ConflictError) return 409;
  return 500;
}

/**
 * The proxy route's one error mapper: every failure there, authentication
 * and authorisation included, reaches the caller as a Kubernetes Status.
 * Our own faults say only that, with no stack; the log has the detail.
 */
export function kubeStatusErrorHandler(
  logger: LoggerService,
): ErrorRequestHandler {
  return (error, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const code = kubeStatusCodeOf(error);
    if (code >= 500 && !(error instanceof TunnelRequestError)) {
      logger.error(`Kubernetes proxy: ${error?.stack ?? error}`);
      sendKubeStatus(res, code, 'internal error in the GPU Fleet proxy');
      return;
    }
    sendKubeStatus(res, code, String(error?.message ?? error));
  };
}
