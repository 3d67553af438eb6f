import { defineConfig } from "vitest/config";
import path from "node:path";

const alias = { "@": path.resolve(import.meta.dirname) };
// Integration and browser suites hash passwords at a hundredth of the work (hundreds of sign-ins and
// new users, each half a second at the deployment's setting). Child processes (web server, CLI,
// workers) inherit it. server/auth/password.test.ts proves a deployment, without it, hashes at the
// standard setting; the throttling tests about hashing run at the standard setting.
// IRONLEDGER_PASSWORD_HASHING=standard npx vitest … runs the suites at the deployment setting.
const testEnv = { IRONLEDGER_PASSWORD_HASHING: process.env.IRONLEDGER_PASSWORD_HASHING ?? "weak-for-tests" };

// Three projects, run in this order by scripts/test.sh:
//  unit         *.test.ts           pure logic, no external processes
//  integration  *.int.test.ts       real SQLite/PostgreSQL, ipmi_sim, Redfish simulator
//  e2e          tests/e2e/*.e2e.ts  built app + Debian Chromium via playwright-core
export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["{server,agents,workers,scripts,tests}/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "**/node_modules/**"],
          testTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["{server,agents,workers,scripts,tests}/**/*.int.test.ts"],
          exclude: ["**/node_modules/**"],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          env: testEnv,
          globalSetup: ["tests/harness/global-setup.ts"],
        },
      },
      {
        resolve: { alias },
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.e2e.ts"],
          testTimeout: 180_000,
          hookTimeout: 300_000,
          fileParallelism: false,
          env: testEnv,
        },
      },
    ],
  },
});
