import { afterAll, describe, expect, it } from "vitest";
import dgram from "node:dgram";
import { IpmiTransport, pooledRandom } from "./transport";
import * as C from "./codec";

describe("transport timer queue", () => {
  const t = new IpmiTransport();
  afterAll(() => t.close());
  it("fires deadlines in order and skips cancelled ones", async () => {
    const fired: string[] = [];
    t.schedule(30, () => fired.push("c"));
    const b = t.schedule(20, () => fired.push("b"));
    t.schedule(10, () => fired.push("a"));
    t.schedule(25, () => fired.push("b2"));
    b.cancelled = true;
    await new Promise((r) => setTimeout(r, 80));
    expect(fired).toEqual(["a", "b2", "c"]);
  });
});

describe("pooled randomness", () => {
  it("returns fresh, distinct bytes", () => {
    const a = pooledRandom(16);
    const b = pooledRandom(16);
    expect(a.length).toBe(16);
    expect(a.equals(b)).toBe(false);
    expect(pooledRandom(300).length).toBe(300);
  });
});

describe("one socket, many sessions", () => {
  it("dispatches datagrams by console session ID and drops garbage", async () => {
    const t = new IpmiTransport();
    const peer = dgram.createSocket("udp4");
    await new Promise<void>((r) => peer.bind(0, "127.0.0.1", () => r()));
    await t.ready("127.0.0.1");
    const got = new Map<number, number>();
    const sids: number[] = [];
    for (let i = 0; i < 50; i++) {
      const sid: number = t.allocateSid((pkt) => {
        if (pkt.kind === "v20" && pkt.raw.sessionId === sid) got.set(sid, (got.get(sid) ?? 0) + 1);
      });
      sids.push(sid);
    }
    // find our port by sending a ping to the peer
    const ourPort = await new Promise<number>((resolve) => {
      peer.once("message", (_m, rinfo) => resolve(rinfo.port));
      t.send(C.buildAsfPing(1), "127.0.0.1", peer.address().port);
    });
    for (const sid of sids) peer.send(C.buildV20Packet(0, sid, 1, Buffer.from([1, 2, 3]), null), ourPort, "127.0.0.1");
    peer.send(Buffer.from("garbage"), ourPort, "127.0.0.1");
    await new Promise((r) => setTimeout(r, 100));
    expect(got.size).toBe(50);
    expect([...got.values()].every((n) => n === 1)).toBe(true);
    expect(t.stats.dropped).toBe(1);
    peer.close();
    t.close();
  });
});
