/**
 * Live updates on both databases: a notice exists iff its change committed;
 * a resume replays exactly what was missed, in order; a change made by another
 * process reaches a subscriber (PostgreSQL: NOTIFY, with the backstop poll
 * turned off; SQLite: the short poll); the SSE endpoint over real HTTP, with
 * Last-Event-ID resume and the role check.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASES, freshDatabase, type TTestDb } from "../../tests/harness/db";
import { actor, depsFor, FakeClock, seedCatalog } from "../../tests/harness/fixtures";
import { startAgentApiServer, type AgentApiServer } from "../../tests/harness/agent-api-server";
import type { TDeps } from "../context";
import { createAsset, updateAsset } from "../domains/assets/service";
import { transition } from "../domains/assets/lifecycle";
import { createUser, login, SESSION_COOKIE } from "../domains/users/service";
import { handleTrpc } from "../trpc-handler";
import { createLiveHub, type TLiveHub } from "./hub";
import { publishEvent, pruneEvents } from "./publish";
import { channelFilter, type TChannelFilter, type TLiveMessage } from "./schema";
import { moveTo } from "../../tests/harness/racking";

const ROOT = path.resolve(import.meta.dirname, "../..");

function filter(...channels: string[]): TChannelFilter {
  const r = channelFilter(channels, "viewer");
  if ("error" in r) throw new Error(r.message);
  return r.filter;
}

/** A subscription read in the background: `next(n)` waits for n more messages. */
function follow(hub: TLiveHub, f: TChannelFilter, lastEventId: number | null) {
  const ac = new AbortController();
  const got: TLiveMessage[] = [];
  /** when each message arrived (ms since epoch) */
  const arrived: number[] = [];
  let wake = null as (() => void) | null;
  const done = (async () => {
    for await (const m of hub.subscribe(f, lastEventId, ac.signal)) {
      got.push(m);
      arrived.push(Date.now());
      wake?.();
    }
  })();
  return {
    got,
    arrived,
    /** n more messages than `since` (default: as many as arrived so far) */
    async next(n: number, timeoutMs = 5000, since = got.length): Promise<TLiveMessage[]> {
      const want = since + n;
      const deadline = Date.now() + timeoutMs;
      while (got.length < want) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${n} messages; have ${JSON.stringify(got.map((m) => [m.type, m.type === "change" ? m.data.kind : m.id]))}`);
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 50);
        });
      }
      return got.slice(want - n, want);
    },
    async stop() {
      ac.abort();
      await done;
    },
  };
}

function runChild(url: string, assetId: string, to: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), path.join(ROOT, "tests/harness/live-child.ts"), url, assetId, to], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("exit", (code) => {
      const m = /committed (\d+)/.exec(out);
      if (code === 0 && m) resolve(Number(m[1]));
      else reject(new Error(`child exited ${code}: ${out}`));
    });
  });
}

describe.each(DATABASES)("live updates on %s", (provider) => {
  let t: TTestDb;
  let deps: TDeps;
  let hub: TLiveHub;
  const clock = new FakeClock();
  const admin = actor("admin");
  let modelId: string;

  beforeAll(async () => {
    t = await freshDatabase(provider);
    // PostgreSQL: no backstop poll during the test, so delivery proves NOTIFY
    hub = createLiveHub({ db: t.db, provider: t.provider, url: t.url, pollMs: 250, backstopMs: 3_600_000 });
    deps = { ...depsFor(t, clock), live: hub };
    modelId = (await seedCatalog(deps)).server.id;
  });
  afterAll(async () => {
    await hub?.close();
    await t?.close();
  });

  const newAsset = (serial: string) => createAsset(deps, admin, { serial, modelId });

  it("writes a notice only when the change commits, and delivers the committed one", async () => {
    const a = await newAsset(`LIVE-${provider}-1`);
    const sub = follow(hub, filter(`asset:${a.id}`), null);
    const [ready] = await sub.next(1);
    expect(ready!.type).toBe("ready");
    const before = await t.db.liveEvent.count();
    // a transaction that publishes and then fails leaves no notice and wakes nobody
    await expect(
      t.db.$transaction(async (tx) => {
        await publishEvent(tx, t.provider, clock.now(), { scope: "asset", key: a.id, data: { kind: "asset.updated", version: 99 } });
        throw new Error("rolled back on purpose");
      }),
    ).rejects.toThrow("rolled back on purpose");
    expect(await t.db.liveEvent.count()).toBe(before);
    // a transition that is refused (invalid move) writes nothing either
    await expect(transition(deps, admin, { assetId: a.id, to: "DISPOSED" })).rejects.toThrow(/cannot move/);
    expect(await t.db.liveEvent.count()).toBe(before);
    await transition(deps, admin, { assetId: a.id, to: "BURN_IN" });
    const [m] = await sub.next(1);
    expect(m).toMatchObject({ type: "change", scope: "asset", key: a.id, channel: `asset:${a.id}`, data: { kind: "asset.status", from: "RECEIVED", to: "BURN_IN", version: 1 } });
    expect(Number(m!.id)).toBeGreaterThan(Number(ready!.id));
    // nothing else arrived: the rolled-back notice never existed
    await new Promise((r) => setTimeout(r, 400));
    expect(sub.got).toHaveLength(2);
    await sub.stop();
    expect(hub.subscriberCount).toBe(0);
  });

  it("resumes from lastEventId with exactly the missed notices of its channels, in order", async () => {
    const a = await newAsset(`LIVE-${provider}-2`);
    const b = await newAsset(`LIVE-${provider}-3`);
    const first = follow(hub, filter(`asset:${a.id}`), null);
    const [ready] = await first.next(1);
    await updateAsset(deps, admin, { id: a.id, data: { notes: "one" } });
    const [seen] = await first.next(1);
    await first.stop(); // the connection drops here
    // missed while away: three for a (one interleaved with b's, which this channel does not follow)
    await transition(deps, admin, { assetId: a.id, to: "BURN_IN" });
    await transition(deps, admin, { assetId: b.id, to: "BURN_IN" });
    await transition(deps, admin, { assetId: a.id, to: "READY_TO_RACK" });
    await updateAsset(deps, admin, { id: a.id, data: { notes: "two" } });
    const back = follow(hub, filter(`asset:${a.id}`), Number(seen!.id));
    const replay = await back.next(4);
    expect(replay.map((m) => (m.type === "change" ? m.data.kind : m.type))).toEqual(["asset.status", "asset.status", "asset.updated", "ready"]);
    expect(replay.slice(0, 3).map((m) => (m.type === "change" ? [m.key, m.data] : null))).toEqual([
      [a.id, { kind: "asset.status", from: "RECEIVED", to: "BURN_IN", version: 2 }],
      [a.id, { kind: "asset.status", from: "BURN_IN", to: "READY_TO_RACK", version: 3 }],
      [a.id, { kind: "asset.updated", version: 4 }],
    ]);
    const ids = replay.map((m) => Number(m.id));
    expect([...ids].sort((x, y) => x - y)).toEqual(ids);
    expect(ids[0]).toBeGreaterThan(Number(seen!.id));
    // then live, with nothing twice
    const since = back.got.length; // the placement step reads back after its commit: the notice may arrive before it returns
    await moveTo(deps, admin, a.id, "RACKED");
    const [live] = await back.next(1, 5000, since);
    expect(live).toMatchObject({ type: "change", data: { kind: "asset.status", to: "RACKED" } });
    expect(Number(live!.id)).toBeGreaterThan(ids[ids.length - 1]!);
    await back.stop();
    // a whole-scope follower sees both assets
    const all = follow(hub, filter("asset"), Number(ready!.id));
    const msgs = await all.next(6);
    expect(new Set(msgs.filter((m) => m.type === "change").map((m) => (m.type === "change" ? m.key : "")))).toEqual(new Set([a.id, b.id]));
    await all.stop();
  });

  it("delivers a change another process commits", async () => {
    const a = await newAsset(`LIVE-${provider}-4`);
    const sub = follow(hub, filter("asset"), null);
    await sub.next(1);
    const since = sub.got.length;
    const committedAt = await runChild(t.url, a.id, "BURN_IN");
    const [m] = await sub.next(1, 5000, since);
    const latency = sub.arrived[since]! - committedAt;
    expect(m).toMatchObject({ type: "change", key: a.id, data: { kind: "asset.status", to: "BURN_IN" } });
    console.log(`[live] ${provider}: another process's change reached the subscriber ${latency} ms after its commit`);
    expect(latency).toBeLessThan(1000);
    await sub.stop();
  });

  it("gives a fresh subscription the last seconds' notices of its channels, then ready", async () => {
    const a = await newAsset(`LIVE-${provider}-7`);
    await transition(deps, admin, { assetId: a.id, to: "BURN_IN" });
    clock.advance(60_000);
    await transition(deps, admin, { assetId: a.id, to: "READY_TO_RACK" });
    const recent = createLiveHub({ db: t.db, provider: t.provider, url: t.url, freshReplayMs: 10_000, now: () => clock.now() });
    try {
      const sub = follow(recent, filter(`asset:${a.id}`), null);
      const msgs = await sub.next(2);
      // only the change of the last 10 s (the page's fetch may predate it), not the one a minute ago
      expect(msgs.map((m) => (m.type === "change" ? m.data : m.type))).toEqual([{ kind: "asset.status", from: "BURN_IN", to: "READY_TO_RACK", version: 2 }, "ready"]);
      await sub.stop();
    } finally {
      await recent.close();
    }
  });

  it("prunes old notices (keeping the newest) and tells a client with a pruned cursor to reset", async () => {
    const a = await newAsset(`LIVE-${provider}-5`);
    const sub = follow(hub, filter(`asset:${a.id}`), null);
    const [ready] = await sub.next(1);
    await sub.stop();
    clock.advance(60_000);
    await transition(deps, admin, { assetId: a.id, to: "BURN_IN" });
    await transition(deps, admin, { assetId: a.id, to: "READY_TO_RACK" });
    const total = await t.db.liveEvent.count();
    // (the other-process test wrote one at the real time, after the fake clock's)
    const removed = await pruneEvents(deps, new Date("2100-01-01T00:00:00Z"));
    expect(removed).toBe(total - 1);
    expect(await t.db.liveEvent.count()).toBe(1);
    const back = follow(hub, filter(`asset:${a.id}`), Number(ready!.id));
    const [m] = await back.next(1);
    expect(m!.type).toBe("reset");
    await back.stop();
    expect(await pruneEvents(deps, new Date("2100-01-01T00:00:00Z"))).toBe(0); // the newest stays
  });

  describe("the SSE endpoint over HTTP", () => {
    let server: AgentApiServer;
    let cookie: string;
    let viewerCookie: string;

    beforeAll(async () => {
      server = await startAgentApiServer({ handler: (req) => handleTrpc(req, deps) });
      await createUser(deps, admin, { username: `tina-${provider}`, displayName: "Tina", role: "technician", password: "live-password-1" });
      cookie = `${SESSION_COOKIE}=${(await login(deps, { username: `tina-${provider}`, password: "live-password-1" }, "127.0.0.1")).token}`;
      await createUser(deps, admin, { username: `vic-${provider}`, displayName: "Vic", role: "viewer", password: "live-password-1" });
      viewerCookie = `${SESSION_COOKIE}=${(await login(deps, { username: `vic-${provider}`, password: "live-password-1" }, "127.0.0.1")).token}`;
    });
    afterAll(() => server?.stop());

    const url = (input: unknown) => `${server.url}/api/trpc/live.events?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;

    /** Reads SSE frames until `until` says stop; returns the frames (event, id, data). */
    async function readSse(res: Response, until: (frames: { event?: string; id?: string; data?: string }[]) => boolean, timeoutMs = 5000) {
      const frames: { event?: string; id?: string; data?: string }[] = [];
      const reader = res.body!.getReader();
      const dec = new TextDecoder();
      let buf = "";
      const deadline = setTimeout(() => void reader.cancel(), timeoutMs);
      try {
        while (!until(frames)) {
          const r = await reader.read();
          if (r.done) break;
          buf += dec.decode(r.value, { stream: true });
          let i: number;
          while ((i = buf.indexOf("\n\n")) >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const f: { event?: string; id?: string; data?: string } = {};
            for (const line of block.split("\n")) {
              const m = /^(event|id|data): ?(.*)$/.exec(line);
              if (m) f[m[1] as "event"] = m[2];
            }
            if (Object.keys(f).length) frames.push(f);
          }
        }
      } finally {
        clearTimeout(deadline);
        await reader.cancel().catch(() => {});
      }
      return frames;
    }
    const messages = (frames: { event?: string; id?: string; data?: string }[]) =>
      frames.filter((f) => !f.event && f.data).map((f) => ({ id: f.id, msg: (JSON.parse(f.data!) as { json: TLiveMessage }).json }));

    it("streams tracked notices with SSE headers, and resumes from Last-Event-ID", async () => {
      const a = await newAsset(`LIVE-${provider}-6`);
      const res = await fetch(url({ channels: [`asset:${a.id}`] }), { headers: { cookie, accept: "text/event-stream" } });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/event-stream");
      expect(res.headers.get("x-accel-buffering")).toBe("no");
      expect(res.headers.get("cache-control")).toContain("no-transform");
      const moved = (async () => {
        await new Promise((r) => setTimeout(r, 300));
        await transition(deps, admin, { assetId: a.id, to: "BURN_IN" });
      })();
      const frames = await readSse(res, (fs) => messages(fs).some((m) => m.msg.type === "change"));
      await moved;
      expect(frames[0]!.event).toBe("connected");
      const got = messages(frames);
      expect(got[0]!.msg.type).toBe("ready");
      const change = got.find((m) => m.msg.type === "change")!;
      expect(change.msg).toMatchObject({ key: a.id, data: { kind: "asset.status", to: "BURN_IN" } });
      expect(change.id).toBe(change.msg.id);

      // the browser reconnects with Last-Event-ID after a drop: it gets what it missed, then ready
      await transition(deps, admin, { assetId: a.id, to: "READY_TO_RACK" });
      const again = await fetch(url({ channels: [`asset:${a.id}`] }), { headers: { cookie, accept: "text/event-stream", "last-event-id": change.id! } });
      const resumed = messages(await readSse(again, (fs) => messages(fs).some((m) => m.msg.type === "ready")));
      expect(resumed.map((m) => m.msg.type)).toEqual(["change", "ready"]);
      expect(resumed[0]!.msg).toMatchObject({ data: { kind: "asset.status", from: "BURN_IN", to: "READY_TO_RACK" } });
    });

    it("refuses signed-out callers and unknown scopes before streaming", async () => {
      const out = await fetch(url({ channels: ["asset"] }), { headers: { accept: "text/event-stream" } });
      const outFrames = await readSse(out, (fs) => fs.some((f) => f.event === "serialized-error"));
      const err = outFrames.find((f) => f.event === "serialized-error");
      expect(err, JSON.stringify(outFrames)).toBeDefined();
      expect(JSON.parse(err!.data!).json.data.code).toBe("UNAUTHORIZED");
      const bad = await fetch(url({ channels: ["payroll"] }), { headers: { cookie: viewerCookie, accept: "text/event-stream" } });
      const badFrames = await readSse(bad, (fs) => fs.some((f) => f.event === "serialized-error"));
      const e2 = JSON.parse(badFrames.find((f) => f.event === "serialized-error")!.data!).json;
      expect(e2.data.code).toBe("BAD_REQUEST");
      expect(e2.message).toContain('no live scope "payroll"');
    });
  });
});

describe("channel rules", () => {
  it("parses scopes and keys, and checks the role per scope", () => {
    const scopes = { asset: ["admin", "viewer"], jobs: ["admin"] } as const;
    const ok = channelFilter(["asset", "asset:abc", "jobs"], "admin", scopes);
    expect("filter" in ok && ok.filter.scopes).toEqual(["asset", "jobs"]);
    expect(channelFilter(["jobs"], "viewer", scopes)).toEqual({ error: "FORBIDDEN", message: "Your role (viewer) may not follow jobs changes." });
    expect(channelFilter(["asset:a b"], "viewer", scopes)).toMatchObject({ error: "BAD_REQUEST" });
    expect(channelFilter(["constructor"], "viewer", scopes)).toMatchObject({ error: "BAD_REQUEST" });
  });
});
