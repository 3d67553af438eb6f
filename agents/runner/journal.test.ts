import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { TObservation } from "../../server/contracts/agent";
import { Journal } from "./journal";

let dir: string;
const open: Journal[] = [];

function openJournal(opts: Parameters<typeof Journal.open>[1] = {}): Journal {
  const j = Journal.open(dir, opts);
  open.push(j);
  return j;
}

function obs(n: number, endpointId = "ep-1"): TObservation {
  return {
    kind: "bmc.unreachable",
    idempotencyKey: `agent-1:${String(n).padStart(8, "0")}`,
    endpointId,
    observedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
    durationMs: 12,
    reason: "timeout",
    message: `no answer #${n}`,
  };
}

const keys = (list: TObservation[]) => list.map((o) => o.idempotencyKey);
const segments = () => fs.readdirSync(dir).filter((f) => f.startsWith("seg-")).sort();

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "ironledger-journal-"));
});
afterEach(() => {
  for (const j of open.splice(0)) j.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("Journal", () => {
  it("returns appended observations oldest first, and survives a reopen", () => {
    const j = openJournal();
    j.append([obs(1), obs(2)]);
    j.append([obs(3)]);
    expect(keys(j.pending())).toEqual(keys([obs(1), obs(2), obs(3)]));
    expect(j.pending(2)).toEqual([obs(1), obs(2)]);
    j.close();

    const again = openJournal();
    expect(again.pending()).toEqual([obs(1), obs(2), obs(3)]);
    again.append([obs(4)]);
    expect(keys(again.pending())).toEqual(keys([obs(1), obs(2), obs(3), obs(4)]));
  });

  it("refuses an invalid observation and a duplicate key", () => {
    const j = openJournal();
    j.append([obs(1)]);
    expect(() => j.append([obs(1)])).toThrow(/duplicate idempotency key/);
    expect(() => j.append([{ ...obs(2), idempotencyKey: "short" }])).toThrow();
    expect(j.pendingCount).toBe(1);
  });

  it("marks only acknowledged keys delivered, and remembers that across a reopen", () => {
    const j = openJournal();
    j.append([obs(1), obs(2), obs(3), obs(4)]);
    // an ack that lists some of the batch, plus a key we never had
    expect(j.markDelivered([obs(1).idempotencyKey, obs(3).idempotencyKey, "agent-1:unknown-key"])).toBe(2);
    expect(j.markDelivered([obs(1).idempotencyKey])).toBe(0); // already delivered
    expect(keys(j.pending())).toEqual(keys([obs(2), obs(4)]));
    j.close();

    const again = openJournal();
    expect(keys(again.pending())).toEqual(keys([obs(2), obs(4)]));
  });

  it("skips a torn last line after a crash and keeps appending after it", () => {
    const j = openJournal();
    j.append([obs(1), obs(2)]);
    j.close();
    const [seg] = segments();
    // a write cut short by kill -9: half a record, no newline
    const line = JSON.stringify(obs(3));
    fs.appendFileSync(path.join(dir, seg), line.slice(0, line.length >> 1));

    const logs: string[] = [];
    const again = openJournal({ log: (l) => logs.push(l) });
    expect(keys(again.pending())).toEqual(keys([obs(1), obs(2)]));
    expect(again.stats().skippedTorn).toBe(1);
    expect(logs.join("\n")).toMatch(/torn record/);
    again.append([obs(4)]);
    again.close();

    const third = openJournal();
    expect(keys(third.pending())).toEqual(keys([obs(1), obs(2), obs(4)]));
  });

  it("tolerates a torn line in delivered.log (the key is simply sent again)", () => {
    const j = openJournal();
    j.append([obs(1), obs(2)]);
    j.markDelivered([obs(1).idempotencyKey]);
    j.close();
    fs.appendFileSync(path.join(dir, "delivered.log"), obs(2).idempotencyKey.slice(0, 5));

    const again = openJournal();
    expect(keys(again.pending())).toEqual(keys([obs(2)]));
    again.markDelivered([obs(2).idempotencyKey]);
    again.close();
    expect(fs.readFileSync(path.join(dir, "delivered.log"), "utf8").split("\n")).toContain(obs(2).idempotencyKey);
    expect(openJournal().pendingCount).toBe(0);
  });

  it("skips a corrupt record in the middle and keeps the rest", () => {
    const j = openJournal();
    j.append([obs(1)]);
    j.close();
    const [seg] = segments();
    fs.appendFileSync(path.join(dir, seg), "{not json}\n" + JSON.stringify(obs(2)) + "\n");
    const again = openJournal();
    expect(keys(again.pending())).toEqual(keys([obs(1), obs(2)]));
    expect(again.stats().skippedCorrupt).toBe(1);
  });

  it("compaction drops delivered segments and shrinks delivered.log, keeping order of the rest", () => {
    const j = openJournal({ maxSegmentBytes: 300 }); // about two records per segment
    for (let i = 1; i <= 10; i++) j.append([obs(i)]);
    expect(segments().length).toBeGreaterThan(3);
    const bytesBefore = j.stats().bytes;

    j.markDelivered(keys([obs(1), obs(2), obs(3), obs(4), obs(5), obs(6)]));
    const { removedSegments } = j.compact();
    expect(removedSegments).toBeGreaterThan(0);
    expect(j.stats().bytes).toBeLessThan(bytesBefore);
    expect(keys(j.pending())).toEqual(keys([obs(7), obs(8), obs(9), obs(10)]));
    const deliveredLog = fs.readFileSync(path.join(dir, "delivered.log"), "utf8").split("\n").filter(Boolean);
    expect(deliveredLog.length).toBeLessThan(6); // only keys of segments still on disk
    j.close();

    const again = openJournal({ maxSegmentBytes: 300 });
    expect(keys(again.pending())).toEqual(keys([obs(7), obs(8), obs(9), obs(10)]));
    again.markDelivered(keys(again.pending()));
    again.compact();
    expect(segments()).toEqual([]);
    expect(fs.readFileSync(path.join(dir, "delivered.log"), "utf8")).toBe("");
    again.append([obs(11)]);
    expect(keys(again.pending())).toEqual(keys([obs(11)]));
  });

  it("keeps a steady state small while the server keeps up", () => {
    const j = openJournal();
    for (let i = 1; i <= 50; i++) {
      j.append([obs(i)]);
      j.markDelivered([obs(i).idempotencyKey]);
      j.maybeCompact();
    }
    expect(j.pendingCount).toBe(0);
    expect(segments().length).toBeLessThanOrEqual(1);
    expect(fs.statSync(path.join(dir, "delivered.log")).size).toBeLessThan(200);
  });

  it("a duplicate left by a crash during compaction is read once", () => {
    const j = openJournal();
    j.append([obs(1), obs(2)]);
    j.close();
    const [seg] = segments();
    // the same records in a later segment (as if a rewrite was interrupted)
    fs.copyFileSync(path.join(dir, seg), path.join(dir, "seg-000099.jsonl"));
    const again = openJournal();
    expect(keys(again.pending())).toEqual(keys([obs(1), obs(2)]));
  });

  it("sets a refused record aside in dead-letter.jsonl", () => {
    const j = openJournal();
    j.append([obs(1), obs(2)]);
    j.deadLetter(obs(1).idempotencyKey, "HTTP 400");
    expect(keys(j.pending())).toEqual(keys([obs(2)]));
    const dead = fs.readFileSync(path.join(dir, "dead-letter.jsonl"), "utf8").trim().split("\n");
    expect(JSON.parse(dead[0]).observation.idempotencyKey).toBe(obs(1).idempotencyKey);
  });

  describe("recovery after a partial write (disk full mid-append, issue 7 point 8)", () => {
    const line = (n: number) => `${JSON.stringify(obs(n))}\n`;
    const uniq = (list: string[]) => new Set(list).size === list.length;

    /** A journal holding obs 1..3, then a batch [4, 5] cut `cut` bytes into the batch, as a full disk leaves it. */
    function tornJournal(cut: number): string {
      const j = openJournal();
      j.append([obs(1), obs(2), obs(3)]);
      j.close();
      open.splice(open.indexOf(j), 1);
      const [seg] = segments();
      fs.appendFileSync(path.join(dir, seg), (line(4) + line(5)).slice(0, cut));
      return seg;
    }

    const batchLength = Buffer.byteLength(line(4) + line(5));
    const one = Buffer.byteLength(line(4));
    // cut points: 1 byte, mid-record, just before the newline, after a whole first record plus part of the second, just before the last newline
    it.each([
      ["1 byte into the record", 1, 0],
      ["mid-record", one >> 1, 0],
      ["just before the newline", one - 1, 0],
      ["a whole record, then part of the next", one + 7, 1],
      ["just before the batch's last newline", batchLength - 1, 1],
    ])("cut %s: keeps the valid prefix, drops and reports the tail, later appends are valid, nothing twice", (_what, cut, wholeRecords) => {
      const seg = tornJournal(cut);
      const prefix = [1, 2, 3, ...(wholeRecords ? [4] : [])].map((n) => obs(n));
      const logs: string[] = [];
      const j = openJournal({ log: (l) => logs.push(l) });
      expect(keys(j.pending())).toEqual(keys(prefix));
      expect(j.stats().skippedTorn).toBe(1);
      expect(logs.join("\n")).toMatch(/dropped a torn record at the end of seg-/);
      // the file is cut back to its last complete record
      const text = fs.readFileSync(path.join(dir, seg), "utf8");
      expect(text.endsWith("\n")).toBe(true);
      expect(text.split("\n").filter(Boolean).map((l) => JSON.parse(l).idempotencyKey)).toEqual(keys(prefix));

      j.append([obs(6), obs(7)]);
      j.markDelivered(keys([obs(1)]));
      j.close();

      const again = openJournal();
      const pending = keys(again.pending());
      expect(pending).toEqual(keys([...prefix.slice(1), obs(6), obs(7)]));
      expect(uniq(pending)).toBe(true);
      expect(again.stats().skippedTorn + again.stats().skippedCorrupt).toBe(0);
      again.markDelivered(pending);
      again.compact();
      again.close();
      expect(openJournal().pendingCount).toBe(0);
    });

    it("an append that fails part-way (ENOSPC) leaves nothing of its batch, and the next append is read back right", () => {
      const j = openJournal();
      j.append([obs(1), obs(2)]);
      const real = fs.writeSync.bind(fs) as (fd: number, buf: Buffer, off: number, len: number) => number;
      // the disk fills after a record and a half of the next batch
      const spy = vi.spyOn(fs, "writeSync").mockImplementationOnce(((fd: number, buf: Buffer, off: number, len: number) => {
        real(fd, buf, off, Math.min(len, Buffer.byteLength(line(3)) + 20));
        throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
      }) as unknown as typeof fs.writeSync);
      try {
        expect(() => j.append([obs(3), obs(4)])).toThrow(/could not append 2 observation\(s\).*ENOSPC.*nothing of them was kept/);
      } finally {
        spy.mockRestore();
      }
      expect(keys(j.pending())).toEqual(keys([obs(1), obs(2)]));
      // space again: the same observations can be journaled, and a new one after them
      j.append([obs(3), obs(4)]);
      j.append([obs(5)]);
      expect(j.pending()).toEqual([obs(1), obs(2), obs(3), obs(4), obs(5)]);
      j.close();

      const again = openJournal();
      expect(again.pending()).toEqual([obs(1), obs(2), obs(3), obs(4), obs(5)]);
      expect(again.stats().skippedTorn + again.stats().skippedCorrupt).toBe(0);
    });

    it("when the segment cannot even be cut back, appends go on in a new segment and a restart drops the torn tail", () => {
      const logs: string[] = [];
      const j = openJournal({ log: (l) => logs.push(l) });
      j.append([obs(1)]);
      const real = fs.writeSync.bind(fs) as (fd: number, buf: Buffer, off: number, len: number) => number;
      const w = vi.spyOn(fs, "writeSync").mockImplementationOnce(((fd: number, buf: Buffer, off: number) => {
        real(fd, buf, off, 10);
        throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
      }) as unknown as typeof fs.writeSync);
      const t = vi.spyOn(fs, "ftruncateSync").mockImplementationOnce(() => {
        throw Object.assign(new Error("EIO: i/o error, ftruncate"), { code: "EIO" });
      });
      try {
        expect(() => j.append([obs(2)])).toThrow(/ENOSPC/);
      } finally {
        w.mockRestore();
        t.mockRestore();
      }
      expect(logs.join("\n")).toMatch(/continuing in a new segment/);
      j.append([obs(3)]);
      expect(segments()).toHaveLength(2);
      expect(j.pending()).toEqual([obs(1), obs(3)]);
      j.close();

      const again = openJournal();
      expect(again.pending()).toEqual([obs(1), obs(3)]);
      expect(again.stats().skippedTorn).toBe(1);
    });
  });
});
