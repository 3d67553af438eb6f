#!/usr/bin/env node
// Entry point of the `ironledger` CLI: runs agents/cli.ts through tsx's
// programmatic API, so no build step is needed (air-gapped installs run as-is).
import { register } from "tsx/esm/api";

register();
const { runAsProgram } = await import("../cli.ts");
await runAsProgram();
