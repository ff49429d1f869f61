import { docs } from './shapes';

/** An error answered with GitHub's status code and JSON body. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly body: Record<string, unknown>) {
    super(String(body.message));
  }
}

/** `basic-error`: `{message, documentation_url, status}`. */
export function basicError(
  status: number,
  message: string,
  documentationUrl: string = docs.root,
): ApiError {
  return new ApiError(status, {
    message,
    documentation_url: documentationUrl,
    status: String(status),
  });
}

export const notFound = (documentationUrl?: string) =>
  basicError(404, 'Not Found', documentationUrl);

/** One entry of `validation-error`'s `errors`. */
export interface ValidationErrorItem {
  resource: string;
  code:
    | 'missing'
    | 'missing_field'
    | 'invalid'
    | 'already_exists'
    | 'unprocessable'
    | 'custom';
  field?: string;
  message?: string;
}

/** `validation-error`: 422 `{message: "Validation Failed", errors, documentation_url, status}`. */
export function validationFailed(
  errors: ValidationErrorItem[],
  documentationUrl: string,
): ApiError {
  return new ApiError(422, {
    message: 'Validation Failed',
    errors,
    documentation_url: documentationUrl,
    status: '422',
  });
}
