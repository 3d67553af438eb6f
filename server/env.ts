/** Environment, parsed once. Nothing else reads process.env for configuration. */
import path from "node:path";
import { isIP } from "node:net";
import { z } from "zod";

/** "10.0.0.0/8", "fd00::/8" or a bare address. */
export function isCidr(s: string): boolean {
  const [addr = "", len, extra] = s.split("/");
  const v = isIP(addr);
  if (!v || extra !== undefined) return false;
  return len === undefined || (/^\d{1,3}$/.test(len) && Number(len) <= (v === 4 ? 32 : 128));
}

const ZEnv = z.object({
  DATABASE_URL: z.string().default("file:./data/ironledger.db"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  IRONLEDGER_DATA_DIR: z.string().default("./data"),
  IRONLEDGER_ADMIN_PASSWORD: z.string().min(12, "IRONLEDGER_ADMIN_PASSWORD must be at least 12 characters").optional(),
  IRONLEDGER_SECRET_KEY: z.string().optional(),
  /** key of the audit hash chains; default: derived from the secret key */
  IRONLEDGER_AUDIT_KEY: z.string().min(32, "IRONLEDGER_AUDIT_KEY must be at least 32 characters (e.g. `openssl rand -base64 32`)").optional(),
  /** PostgreSQL: the owner role that runs migrations; DATABASE_URL is then the runtime role (docs/security.md) */
  DATABASE_MIGRATION_URL: z.string().optional(),
  /** "auto" (default): Secure cookies when the request came over HTTPS (or X-Forwarded-Proto says so). */
  IRONLEDGER_SECURE_COOKIES: z.enum(["auto", "always", "never"]).default("auto"),
  /** workers: jobs run at once per worker process, lease length, idle poll interval */
  IRONLEDGER_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  IRONLEDGER_WORKER_LEASE_SEC: z.coerce.number().int().min(1).max(3600).default(30),
  IRONLEDGER_WORKER_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  /** comma-separated addresses/CIDRs of reverse proxies whose X-Forwarded-For is believed */
  IRONLEDGER_TRUSTED_PROXIES: z.string().optional(),
  /** Networks (CIDRs, comma-separated) the server itself may connect to for BMCs without a site agent; default none. */
  IRONLEDGER_BMC_NETWORKS: z
    .string()
    .default("")
    .refine((v) => v.split(/[\s,]+/).filter(Boolean).every(isCidr), "IRONLEDGER_BMC_NETWORKS is a comma-separated list of networks in CIDR form, e.g. 10.20.0.0/16,fd00::/8"),
  /** A session ends this many hours after sign-in, however active (default 12: a shift). */
  IRONLEDGER_SESSION_MAX_HOURS: z.coerce.number().min(0.25, "IRONLEDGER_SESSION_MAX_HOURS is at least 0.25 (15 minutes)").max(720, "IRONLEDGER_SESSION_MAX_HOURS is at most 720 (30 days)").default(12),
  /** "weak-for-tests": password hashes at a hundredth of the work, for the test suites only (server/auth/password.ts) */
  IRONLEDGER_PASSWORD_HASHING: z.enum(["standard", "weak-for-tests"], { error: 'IRONLEDGER_PASSWORD_HASHING is "standard" (the default) or "weak-for-tests" (test suites only)' }).default("standard"),
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
});
export type TEnv = z.infer<typeof ZEnv>;

let cached: TEnv | undefined;
export function env(): TEnv {
  if (!cached) {
    const parsed = ZEnv.safeParse(process.env);
    if (!parsed.success) {
      const lines = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
      throw new Error(`invalid environment: ${lines.join("; ")}`);
    }
    cached = parsed.data;
  }
  return cached;
}

export function dataDir(): string {
  return path.resolve(env().IRONLEDGER_DATA_DIR);
}
