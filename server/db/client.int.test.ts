/**
 * One process, many requests, one database client: a plain query issued while
 * another request holds an open interactive transaction must neither see that
 * transaction's uncommitted rows nor be rolled back with it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASES, freshDatabase, type TTestDb } from "../../tests/harness/db";

describe.each(DATABASES)("shared database client on %s", (provider) => {
  let t: TTestDb;
  beforeAll(async () => {
    t = await freshDatabase(provider);
  });
  afterAll(() => t.close());

  it("a plain write during someone else's failing transaction is kept, and uncommitted rows stay invisible", async () => {
    let inserted!: () => void;
    const insertedP = new Promise<void>((r) => (inserted = r));
    const txP = t.db
      .$transaction(async (tx) => {
        await tx.loginAttempt.create({ data: { username: "inside-tx", ip: "10.0.0.1", success: false } });
        inserted();
        await new Promise((r) => setTimeout(r, 300));
        throw new Error("refused transition");
      })
      .then(
        () => null,
        (e: Error) => e.message,
      );
    await insertedP;
    // another request, outside the transaction: a read and a recorded sign-in attempt
    const seen = await t.db.loginAttempt.count({ where: { username: "inside-tx" } });
    await t.db.loginAttempt.create({ data: { username: "outside-tx", ip: "10.0.0.2", success: false } });
    expect(await txP).toBe("refused transition");

    expect(seen).toBe(0);
    expect(await t.db.loginAttempt.count({ where: { username: "inside-tx" } })).toBe(0);
    expect(await t.db.loginAttempt.count({ where: { username: "outside-tx" } })).toBe(1);
  });

  it("queries issued after a committed transaction see its rows", async () => {
    await t.db.$transaction(async (tx) => {
      await tx.loginAttempt.create({ data: { username: "committed", ip: "10.0.0.3", success: true } });
    });
    expect(await t.db.loginAttempt.count({ where: { username: "committed" } })).toBe(1);
  });
});
