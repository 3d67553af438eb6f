/**
 * What every service receives: its dependencies, passed in (never imported),
 * so tests use the real database with a fake clock.
 */
import type { Db } from "./db/client";
import type { TProvider } from "./db/url";
import type { TRole } from "./auth/roles";
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
  /** live updates: the process's hub (web only; workers and scripts publish without one) */
  live?: TLiveHub;
}
