// Errors travel as values: every transport carries a Result envelope, never a thrown stack.

export const errorCodes = [
  'invalid_request', // a field is missing or has the wrong type or range
  'unknown_method', // no such API method
  'not_found', // the entity does not exist
  'conflict', // the entity is in a state that forbids the request
  'cancelled', // the user cancelled the work
  'interrupted', // the process doing the work stopped (a crash, or Heatlab was closed)
  'engine_unavailable', // tfjs or ONNX Runtime could not run the work
  'workspace', // the workspace or catalogue cannot be used
  'unauthorized', // browser mode: missing or wrong token
  'busy', // browser mode: the connection has too many calls waiting for an answer
  'internal', // a bug: the message says what failed
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `params.epochs`; empty for the request itself. */
  path: string;
  message: string;
}

export interface ApiError {
  code: ErrorCode;
  /** One sentence a user can read. */
  message: string;
  details?: { issues?: FieldIssue[]; [key: string]: unknown };
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** Thrown inside main and the compute host; turned into `{ ok: false, error }` at the boundary. */
export class HeatlabError extends Error {
  readonly code: ErrorCode;
  readonly details?: ApiError['details'];

  constructor(code: ErrorCode, message: string, details?: ApiError['details']) {
    super(message);
    this.name = 'HeatlabError';
    this.code = code;
    this.details = details;
  }

  toApiError(): ApiError {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** Any thrown value as an ApiError: HeatlabErrors keep their code, everything else is `internal`. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof HeatlabError) return err.toApiError();
  if (isApiError(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message: sentence(message || 'An unexpected error occurred.') };
}

export function isApiError(value: unknown): value is ApiError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && (errorCodes as readonly string[]).includes(v.code) && typeof v.message === 'string';
}

/** Capitalised and ending with a full stop, so every message reads as one sentence. */
export function sentence(text: string): string {
  const t = text.trim();
  if (t === '') return t;
  const first = t[0]!.toUpperCase() + t.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}
