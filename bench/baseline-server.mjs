#!/usr/bin/env node
/**
 * The bare platform, for `npm run bench:api` to compare IronLedger against: a
 * node:http server with the database driver and hand-written SQL, no framework,
 * no ORM, no validation library. It does the same work as IronLedger's routes:
 *
 *   GET  /api/v1/assets/lookup?code=X        API-token hash lookup (revoked, expired, creator active),
 *                                            the asset joined with its model, manufacturer and location, JSON out
 *   POST /api/v1/assets/{id}/transitions     token lookup, then in ONE transaction: read the asset,
 *                                            update it (guarded by its version), insert the event and the
 *                                            audit entry (each HMAC-chained to the one before), JSON out
 *
 *   node bench/baseline-server.mjs DATABASE_URL PORT
 * Prints "listening" when ready. Not part of the product.
 */
import { createHash, createHmac, randomBytes } from "node:crypto";
import http from "node:http";

const [url, portArg] = process.argv.slice(2);
const port = Number(portArg);
const KEY = Buffer.from("bench-baseline-chain-key-0123456789abcdef");
const sha256 = (s) => createHash("sha256").update(s).digest("hex");
const cuid = () => `c${randomBytes(12).toString("hex")}`;
const hmac = (prev, content) => createHmac("sha256", KEY).update(prev).update("\n").update(JSON.stringify(content)).digest("hex");

const TOKEN_SQL = `SELECT t.id, t.role, t.revokedAt AS "revokedAt", t.expiresAt AS "expiresAt", u.active FROM "ApiToken" t JOIN "User" u ON u.id = t.createdById WHERE t.tokenHash = $1`;
const LOOKUP_SQL = `SELECT a.id, a.serial, a.assetTag AS "assetTag", a.status, a.version, a.rackUnit AS "rackUnit", a.parentId AS "parentId", a.updatedAt AS "updatedAt", a.createdAt AS "createdAt",
  m.id AS "modelId", m.name AS "modelName", m.kind AS "modelKind", mf.name AS "manufacturer", l.id AS "locationId", l.path AS "locationPath", l.kind AS "locationKind"
  FROM "Asset" a JOIN "HardwareModel" m ON m.id = a.modelId JOIN "Manufacturer" mf ON mf.id = m.manufacturerId LEFT JOIN "Location" l ON l.id = a.locationId
  WHERE a.assetTag = $1 OR a.serial = $2 LIMIT 20`;
const quoteCols = (sql) => sql.replace(/\b([a-z])\.([a-zA-Z]+)\b/g, (_, t, c) => `${t}."${c}"`);

function summary(r) {
  return {
    id: r.id, serial: r.serial, assetTag: r.assetTag, status: r.status, version: r.version, rackUnit: r.rackUnit, parentId: r.parentId,
    updatedAt: r.updatedAt, createdAt: r.createdAt,
    model: { id: r.modelId, name: r.modelName, kind: r.modelKind, manufacturer: r.manufacturer },
    location: r.locationId ? { id: r.locationId, path: r.locationPath, kind: r.locationKind } : null,
  };
}

let db;
if (url.startsWith("file:")) {
  const { default: Database } = await import("better-sqlite3");
  const raw = new Database(url.slice(5), { timeout: 15_000 });
  raw.pragma("journal_mode = WAL");
  raw.pragma("synchronous = NORMAL");
  const sq = (sql) => raw.prepare(sql.replace(/\$\d+/g, "?"));
  const token = sq(TOKEN_SQL);
  const lookup = sq(LOOKUP_SQL);
  const getAsset = sq(`SELECT id, status, version FROM "Asset" WHERE id = ?`);
  const upd = sq(`UPDATE "Asset" SET status = ?, heldStatus = ?, version = version + 1, updatedAt = ? WHERE id = ? AND version = ?`);
  const lastEvent = sq(`SELECT chainSeq, hash FROM "AssetEvent" WHERE chainSeq IS NOT NULL ORDER BY chainSeq DESC LIMIT 1`);
  const insEvent = sq(`INSERT INTO "AssetEvent" (id, assetId, at, actorType, actorId, fromStatus, toStatus, reason, payload, chainSeq, hash, prevHash) VALUES (?, ?, ?, 'token', ?, ?, ?, NULL, NULL, ?, ?, ?)`);
  const lastAudit = sq(`SELECT hash FROM "AuditLog" ORDER BY seq DESC LIMIT 1`);
  const insAudit = sq(`INSERT INTO "AuditLog" (at, actorType, actorId, action, entity, entityId, before, after, prevHash, hash, hashVersion) VALUES (?, 'token', ?, 'transition', 'Asset', ?, ?, ?, ?, ?, 2)`);
  const transition = raw.transaction((actorId, id, to) => {
    const a = getAsset.get(id);
    if (!a) return { status: 404 };
    const at = new Date().toISOString();
    const held = to === "QUARANTINE" ? a.status : null;
    if (upd.run(to, held, at, id, a.version).changes !== 1) return { status: 409 };
    const le = lastEvent.get();
    const ev = { assetId: id, at, actorId, from: a.status, to };
    const evHash = hmac(le?.hash ?? "0", ev);
    const eventId = cuid();
    insEvent.run(eventId, id, at, actorId, a.status, to, (le?.chainSeq ?? 0) + 1, evHash, le?.hash ?? "0");
    const la = lastAudit.get();
    const before = JSON.stringify({ status: a.status, version: a.version });
    const after = JSON.stringify({ status: to, version: a.version + 1 });
    insAudit.run(at, actorId, id, before, after, la?.hash ?? "0", hmac(la?.hash ?? "0", { at, actorId, id, before, after }));
    return { status: 200, body: { assetId: id, from: a.status, to, version: a.version + 1, eventId } };
  });
  db = {
    token: async (h) => token.get(h),
    lookup: async (tag, serial) => lookup.all(tag, serial),
    transition: async (actorId, id, to) => transition(actorId, id, to),
  };
} else {
  const { default: pg } = await import("pg");
  // text timestamps, as the ORM path returns them in JSON anyway
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const q = (sql) => quoteCols(sql);
  const TOKEN = q(TOKEN_SQL);
  const LOOKUP = q(LOOKUP_SQL);
  db = {
    token: async (h) => (await pool.query({ name: "token", text: TOKEN, values: [h] })).rows[0],
    lookup: async (tag, serial) => (await pool.query({ name: "lookup", text: LOOKUP, values: [tag, serial] })).rows,
    async transition(actorId, id, to) {
      const c = await pool.connect();
      try {
        await c.query("BEGIN");
        const a = (await c.query({ name: "get", text: `SELECT id, status, version FROM "Asset" WHERE id = $1`, values: [id] })).rows[0];
        if (!a) {
          await c.query("ROLLBACK");
          return { status: 404 };
        }
        const at = new Date();
        const held = to === "QUARANTINE" ? a.status : null;
        const u = await c.query({ name: "upd", text: `UPDATE "Asset" SET status = $1, "heldStatus" = $2, version = version + 1, "updatedAt" = $3 WHERE id = $4 AND version = $5`, values: [to, held, at, id, a.version] });
        if (u.rowCount !== 1) {
          await c.query("ROLLBACK");
          return { status: 409 };
        }
        // the chains are appended in order: one writer at a time, as IronLedger's advisory locks do
        await c.query("SELECT pg_advisory_xact_lock(1)");
        const le = (await c.query({ name: "le", text: `SELECT "chainSeq", hash FROM "AssetEvent" WHERE "chainSeq" IS NOT NULL ORDER BY "chainSeq" DESC LIMIT 1` })).rows[0];
        const ev = { assetId: id, at, actorId, from: a.status, to };
        const eventId = cuid();
        await c.query({ name: "ie", text: `INSERT INTO "AssetEvent" (id, "assetId", at, "actorType", "actorId", "fromStatus", "toStatus", "chainSeq", hash, "prevHash") VALUES ($1, $2, $3, 'token', $4, $5, $6, $7, $8, $9)`, values: [eventId, id, at, actorId, a.status, to, (le?.chainSeq ?? 0) + 1, hmac(le?.hash ?? "0", ev), le?.hash ?? "0"] });
        const la = (await c.query({ name: "la", text: `SELECT hash FROM "AuditLog" ORDER BY seq DESC LIMIT 1` })).rows[0];
        const before = JSON.stringify({ status: a.status, version: a.version });
        const after = JSON.stringify({ status: to, version: a.version + 1 });
        await c.query({ name: "ia", text: `INSERT INTO "AuditLog" (at, "actorType", "actorId", action, entity, "entityId", before, after, "prevHash", hash, "hashVersion") VALUES ($1, 'token', $2, 'transition', 'Asset', $3, $4, $5, $6, $7, 2)`, values: [at, actorId, id, before, after, la?.hash ?? "0", hmac(la?.hash ?? "0", { at, actorId, id, before, after })] });
        await c.query("COMMIT");
        return { status: 200, body: { assetId: id, from: a.status, to, version: a.version + 1, eventId } };
      } catch (e) {
        await c.query("ROLLBACK").catch(() => {});
        throw e;
      } finally {
        c.release();
      }
    },
  };
}

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

async function actor(req) {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "");
  if (!m) return null;
  const t = await db.token(sha256(m[1]));
  if (!t || t.revokedAt || (t.expiresAt && new Date(t.expiresAt) <= new Date()) || !t.active) return null;
  return t;
}

const server = http.createServer(async (req, res) => {
  try {
    const u = new URL(req.url, "http://x");
    const a = await actor(req);
    if (!a) return send(res, 401, { error: { code: "UNAUTHORIZED" } });
    if (req.method === "GET" && u.pathname === "/api/v1/assets/lookup") {
      const code = (u.searchParams.get("code") ?? "").trim().toUpperCase();
      const rows = await db.lookup(code, code);
      const byTag = rows.find((r) => r.assetTag === code);
      return send(res, 200, { items: (byTag ? [byTag] : rows).map(summary) });
    }
    const m = /^\/api\/v1\/assets\/([^/]+)\/transitions$/.exec(u.pathname);
    if (req.method === "POST" && m) {
      let text = "";
      for await (const c of req) text += c;
      const body = JSON.parse(text);
      const r = await db.transition(a.id, decodeURIComponent(m[1]), body.to);
      return send(res, r.status, r.body ?? { error: { code: r.status === 404 ? "NOT_FOUND" : "CONFLICT" } });
    }
    send(res, 404, { error: { code: "NOT_FOUND" } });
  } catch (e) {
    console.error(e);
    if (!res.headersSent) send(res, 500, { error: { code: "INTERNAL" } });
  }
});
server.keepAliveTimeout = 30_000;
server.listen(port, "127.0.0.1", () => console.log("listening"));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
