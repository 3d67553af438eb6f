#!/usr/bin/env node
// Entry point of the `ironledger` CLI: runs agents/cli.ts through tsx's
// programmatic API, so no build step is needed (air-gapped installs run as-is).
// `ironledger admin …` (operator commands against DATABASE_URL) is server-side
// code: it lives in scripts/admin-cli.ts, so agents/ never imports the server.
import { register } from "tsx/esm/api";

register();
if (process.argv[2] === "admin") {
  const { runAsProgram } = await import("../../scripts/admin-cli.ts");
  await runAsProgram();
} else {
  const { runAsProgram } = await import("../cli.ts");
  await runAsProgram();
}
