/** Environment, parsed once. Nothing else reads process.env for configuration. */
import path from "node:path";
import { z } from "zod";

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
