/**
 * What every service receives: its dependencies, passed in (never imported),
 * so tests use the real database with a fake clock.
 */
import type { Db } from "./db/client";
import type { TProvider } from "./db/url";
import type { TRole } from "./auth/roles";
import type { TBmcClients } from "./contracts/bmc";
import type { TLiveHub } from "./live/hub";

export interface TClock {
  now(): Date;
}
export const systemClock: TClock = { now: () => new Date() };

export interface TActor {
  type: "user" | "token" | "agent" | "system";
  id: string;
  name: string;
  role: TRole;
}

export const SYSTEM_ACTOR: TActor = { type: "system", id: "system", name: "IronLedger", role: "admin" };

export interface TDeps {
  db: Db;
  provider: TProvider;
  clock: TClock;
  /**
   * The BMC protocol clients for the server's direct power path (endpoints
   * without a site agent). Wired where the process starts (server/runtime.ts
   * for the web app, tests/harness/fixtures.ts for tests); absent in processes
   * that never touch a BMC (workers, scripts).
   */
  bmc?: TBmcClients;
  /** live updates: the process's hub (web only; workers and scripts publish without one) */
  live?: TLiveHub;
}
