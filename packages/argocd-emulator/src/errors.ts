/** gRPC status codes Argo CD answers with, and their HTTP mapping (grpc-gateway). */
export const GrpcCode = {
  Unknown: 2,
  InvalidArgument: 3,
  NotFound: 5,
  PermissionDenied: 7,
  FailedPrecondition: 9,
  Internal: 13,
  Unavailable: 14,
  Unauthenticated: 16,
} as const;

const HTTP_STATUS: Record<number, number> = {
  2: 500,
  3: 400,
  5: 404,
  7: 403,
  9: 400,
  13: 500,
  14: 503,
  16: 401,
};

/** An error Argo CD would answer as `{code, message, error, details}`. */
export class ApiError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.code] ?? 500;
  }

  get body() {
    return {
      code: this.code,
      message: this.message,
      error: this.message,
      details: [],
    };
  }
}

export const notFound = (message: string) =>
  new ApiError(GrpcCode.NotFound, message);
export const invalidArgument = (message: string) =>
  new ApiError(GrpcCode.InvalidArgument, message);
export const failedPrecondition = (message: string) =>
  new ApiError(GrpcCode.FailedPrecondition, message);
export const permissionDenied = (message = 'permission denied') =>
  new ApiError(GrpcCode.PermissionDenied, message);
export const unknownError = (message: string) =>
  new ApiError(GrpcCode.Unknown, message);

/** Kubernetes' not-found wording for an Application. */
export function appNotFound(name: string) {
  return notFound(`applications.argoproj.io "${name}" not found`);
}
