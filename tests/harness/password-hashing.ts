/**
 * The test suites hash passwords with IRONLEDGER_PASSWORD_HASHING=weak-for-tests
 * (vitest.config.ts), a hundredth of the work. A test about how long hashing
 * takes (bounded concurrent hashing) or which settings a hash gets runs its body
 * with the settings of a deployment instead.
 */
import { env } from "../../server/env";

/** Runs `fn` with the standard (deployment) scrypt settings in this process, then restores the suite's. */
export async function withStandardPasswordHashing<T>(fn: () => Promise<T>): Promise<T> {
  const e = env();
  const before = e.IRONLEDGER_PASSWORD_HASHING;
  e.IRONLEDGER_PASSWORD_HASHING = "standard";
  try {
    return await fn();
  } finally {
    e.IRONLEDGER_PASSWORD_HASHING = before;
  }
}
