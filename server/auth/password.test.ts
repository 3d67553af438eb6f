/**
 * Password hashing settings: a deployment (no IRONLEDGER_PASSWORD_HASHING)
 * hashes with SCRYPT_PARAMS, and replaces a hash made with the suites' weak
 * setting at the next sign-in. Checked in a fresh process with a production
 * environment, so nothing of the test runner's environment leaks in.
 */
import { execFile } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { SCRYPT_PARAMS, WEAK_TEST_SCRYPT_PARAMS } from "./password";

const ROOT = path.resolve(import.meta.dirname, "../..");
const run = promisify(execFile);

const PROBE = `
import { hashPassword, needsRehash, scryptParams, verifyPassword, WEAK_TEST_SCRYPT_PARAMS } from "./server/auth/password.ts";
const hash = await hashPassword("a password of some length");
const weak = await hashPassword("a password of some length", WEAK_TEST_SCRYPT_PARAMS);
console.log(JSON.stringify({
  params: scryptParams(),
  prefix: hash.split("$").slice(0, 4).join("$"),
  verifies: await verifyPassword("a password of some length", hash),
  rehashOwn: needsRehash(hash),
  rehashWeak: needsRehash(weak),
}));
`;

async function probe(extraEnv: Record<string, string>) {
  const { stdout } = await run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", PROBE], {
    cwd: ROOT,
    // a deployment's environment: none of the runner's variables
    env: { PATH: process.env.PATH ?? "", HOME: os.tmpdir(), NODE_ENV: "production", ...extraEnv },
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as { params: object; prefix: string; verifies: boolean; rehashOwn: boolean; rehashWeak: boolean };
}

describe("password hashing settings", () => {
  // the three processes start together (each pays the TypeScript loader's start)
  let runs: { standard: ReturnType<typeof probe>; weak: ReturnType<typeof probe>; bad: Promise<unknown> };
  beforeAll(() => {
    runs = { standard: probe({}), weak: probe({ IRONLEDGER_PASSWORD_HASHING: "weak-for-tests" }), bad: probe({ IRONLEDGER_PASSWORD_HASHING: "fast" }) };
    for (const p of Object.values(runs)) p.catch(() => {}); // awaited in the tests
  });

  it("a deployment hashes with the standard scrypt settings (N=2^15, r=8, p=3) and upgrades weak test hashes", async () => {
    expect(SCRYPT_PARAMS).toEqual({ N: 2 ** 15, r: 8, p: 3 });
    expect(await runs.standard).toEqual({ params: SCRYPT_PARAMS, prefix: "scrypt$32768$8$3", verifies: true, rehashOwn: false, rehashWeak: true });
  });

  it("only the explicit weak-for-tests setting lowers the cost, and a bad value is refused with what to write", async () => {
    expect(await runs.weak).toEqual({ params: WEAK_TEST_SCRYPT_PARAMS, prefix: `scrypt$${WEAK_TEST_SCRYPT_PARAMS.N}$${WEAK_TEST_SCRYPT_PARAMS.r}$${WEAK_TEST_SCRYPT_PARAMS.p}`, verifies: true, rehashOwn: false, rehashWeak: false });
    await expect(runs.bad).rejects.toMatchObject({ stderr: expect.stringMatching(/IRONLEDGER_PASSWORD_HASHING is "standard" \(the default\) or "weak-for-tests"/) });
  });
});
