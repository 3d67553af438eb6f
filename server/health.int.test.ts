import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createDatabase } from "./db/client";
import { DATABASES, freshDatabase } from "../tests/harness/db";
import { freePort } from "../tests/harness/postgres";
import { health } from "./health";

describe("GET /api/health", () => {
  it.each(DATABASES)("is ok with current migrations on %s", async (provider) => {
    const t = await freshDatabase(provider);
    try {
      expect(await health(t)).toEqual({ code: 200, body: { status: "ok", database: provider, migrations: "current" } });
    } finally {
      await t.close();
    }
  });

  it("is 503 'behind' with the pending migrations named when the database was never migrated", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "il-health-"));
    const database = createDatabase(`file:${path.join(dir, "empty.db")}`);
    try {
      const h = await health(database);
      expect(h.code).toBe(503);
      expect(h.body.migrations).toBe("behind");
      expect(h.body.reason).toMatch(/_init.*npm run db:migrate/);
    } finally {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is 503 'unavailable' with a reason when PostgreSQL cannot be reached", async () => {
    const port = await freePort(); // nothing listens there
    const database = createDatabase(`postgresql://nobody@127.0.0.1:${port}/nothing`);
    try {
      const h = await health(database);
      expect(h.code).toBe(503);
      expect(h.body).toMatchObject({ status: "unavailable", database: "postgresql", migrations: "unknown" });
      expect(h.body.reason).toMatch(/database unreachable/);
    } finally {
      await database.close().catch(() => {});
    }
  });
});
