/**
 * One PostgreSQL LISTEN connection (server/live's hub opens one per web
 * process). Notifications are hints to re-read a table, so nothing is lost
 * when the connection drops: the caller reconnects and re-reads.
 */
import pg from "pg";
import { parseDatabaseUrl } from "./url";

export interface TListener {
  close(): Promise<void>;
}

export interface TListenOptions {
  url: string;
  channel: string;
  onNotify(): void;
  /** the connection failed or ended; the caller decides when to reconnect */
  onLost(error: Error): void;
}

const CHANNEL_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export async function listen(opts: TListenOptions): Promise<TListener> {
  const target = parseDatabaseUrl(opts.url);
  if (target.provider !== "postgresql") throw new Error("LISTEN needs a PostgreSQL DATABASE_URL");
  if (!CHANNEL_NAME.test(opts.channel)) throw new Error(`"${opts.channel}" is not a plain channel name`);
  const client = new pg.Client({ connectionString: target.location, connectionTimeoutMillis: 5000, keepAlive: true });
  let closed = false;
  let lost = false;
  const lose = (e: Error) => {
    if (closed || lost) return;
    lost = true;
    opts.onLost(e);
  };
  client.on("notification", (n) => {
    if (n.channel === opts.channel) opts.onNotify();
  });
  client.on("error", lose);
  client.on("end", () => lose(new Error("the LISTEN connection ended")));
  try {
    await client.connect();
    await client.query(`LISTEN ${opts.channel}`);
  } catch (e) {
    closed = true;
    await client.end().catch(() => {});
    throw e;
  }
  return {
    async close() {
      if (closed) return;
      closed = true;
      await client.end().catch(() => {});
    },
  };
}
