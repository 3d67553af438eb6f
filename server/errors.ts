/**
 * The one error type services throw. tRPC translates it in server/trpc.ts; REST
 * and the agent API share one HTTP mapper (server/http.ts errorResponse).
 */
export const APP_ERROR_CODES = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  INVALID_TRANSITION: 409,
  CONFLICT: 409,
  DUPLICATE: 409,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;
export type TAppErrorCode = keyof typeof APP_ERROR_CODES;

export class AppError extends Error {
  readonly code: TAppErrorCode;
  /** field path -> messages, for forms */
  readonly fields?: Record<string, string[]>;
  readonly details?: Record<string, unknown>;

  constructor(code: TAppErrorCode, message: string, opts: { fields?: Record<string, string[]>; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = "AppError";
    this.code = code;
    this.fields = opts.fields;
    this.details = opts.details;
  }

  get httpStatus(): number {
    return APP_ERROR_CODES[this.code];
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/** Prisma unique-constraint violation (P2002) → which fields collided. */
export function uniqueViolation(e: unknown): string[] | null {
  const err = e as { code?: string; meta?: { target?: unknown; driverAdapterError?: { cause?: { constraint?: { fields?: string[] } } } } };
  if (err?.code !== "P2002") return null;
  const fields = err.meta?.driverAdapterError?.cause?.constraint?.fields ?? err.meta?.target;
  return Array.isArray(fields) ? fields.map(String) : typeof fields === "string" ? [fields] : [];
}
