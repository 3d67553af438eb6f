/**
 * Typed errors for the IPMI client. Every failure surfaced by the client is an
 * IpmiError whose `code` says what kind of failure it was, so callers (CLI,
 * sweep, agent runner) can react without string matching.
 */
export type IpmiErrorCode = "timeout" | "auth" | "privilege" | "protocol" | "decode" | "network";

export class IpmiError extends Error {
  readonly code: IpmiErrorCode;
  /** host:port of the BMC, when known */
  target?: string;
  constructor(code: IpmiErrorCode, message: string, options?: { cause?: unknown; target?: string }) {
    super(options?.target ? `${options.target}: ${message}` : message, options?.cause ? { cause: options.cause } : undefined);
    this.name = new.target.name;
    this.code = code;
    this.target = options?.target;
  }
}

/** No (valid) answer within the timeout after all retries. */
export class IpmiTimeoutError extends IpmiError {
  constructor(message: string, options?: { cause?: unknown; target?: string }) {
    super("timeout", message, options);
  }
}

/** Wrong password, unknown user, wrong BMC key (KG), bad RAKP auth code. */
export class IpmiAuthError extends IpmiError {
  constructor(message: string, options?: { cause?: unknown; target?: string }) {
    super("auth", message, options);
  }
}

/** The BMC refused the privilege level (completion code D4/81, RAKP role errors). */
export class IpmiPrivilegeError extends IpmiError {
  readonly completionCode?: number;
  constructor(message: string, completionCode?: number, options?: { cause?: unknown; target?: string }) {
    super("privilege", message, options);
    this.completionCode = completionCode;
  }
}

/** The BMC answered, but not in a way we can use (bad status, completion code, unsupported). */
export class IpmiProtocolError extends IpmiError {
  readonly completionCode?: number;
  constructor(message: string, completionCode?: number, options?: { cause?: unknown; target?: string }) {
    super("protocol", message, options);
    this.completionCode = completionCode;
  }
}

/** A packet or record could not be decoded. The packet decoder throws only this. */
export class DecodeError extends IpmiError {
  constructor(message: string, options?: { cause?: unknown; target?: string }) {
    super("decode", message, options);
  }
}

/** Socket-level failure (bind, send, DNS). */
export class IpmiNetworkError extends IpmiError {
  constructor(message: string, options?: { cause?: unknown; target?: string }) {
    super("network", message, options);
  }
}

export function isIpmiError(e: unknown): e is IpmiError {
  return e instanceof IpmiError;
}

/** Wrap anything into an IpmiError (unknown errors become protocol errors). */
export function toIpmiError(e: unknown, target?: string): IpmiError {
  if (e instanceof IpmiError) {
    if (target && !e.target) e.target = target;
    return e;
  }
  const msg = e instanceof Error ? e.message : String(e);
  return new IpmiProtocolError(msg, undefined, { cause: e, target });
}

const CC_TEXT: Record<number, string> = {
  0xc0: "node busy",
  0xc1: "invalid command",
  0xc2: "command invalid for given LUN",
  0xc3: "timeout while processing command",
  0xc4: "out of space",
  0xc5: "reservation cancelled or invalid",
  0xc6: "request data truncated",
  0xc7: "request data length invalid",
  0xc8: "request data field length limit exceeded",
  0xc9: "parameter out of range",
  0xca: "cannot return number of requested data bytes",
  0xcb: "requested sensor, data, or record not present",
  0xcc: "invalid data field in request",
  0xcd: "command illegal for specified sensor or record type",
  0xce: "command response could not be provided",
  0xcf: "cannot execute duplicated request",
  0xd0: "SDR repository in update mode",
  0xd1: "device in firmware update mode",
  0xd2: "BMC initialization in progress",
  0xd3: "destination unavailable",
  0xd4: "insufficient privilege level",
  0xd5: "command not supported in present state",
  0xd6: "command sub-function disabled or unavailable",
  0xff: "unspecified error",
};

export function completionCodeText(cc: number): string {
  return CC_TEXT[cc] ?? `completion code 0x${cc.toString(16).padStart(2, "0")}`;
}

/** Error for a non-zero completion code: D4 and 81 (for Set Session Privilege) are privilege errors. */
export function completionCodeError(cc: number, what: string, target?: string, privilegeCodes: number[] = [0xd4]): IpmiError {
  const text = `${what}: ${completionCodeText(cc)} (0x${cc.toString(16).padStart(2, "0")})`;
  if (privilegeCodes.includes(cc)) return new IpmiPrivilegeError(text, cc, { target });
  return new IpmiProtocolError(text, cc, { target });
}
