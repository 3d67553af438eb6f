/**
 * The agent's side of the command channel (server/contracts/agent.ts): which
 * commands it may still carry out, and a durable record of the ones it took.
 *
 * At most once: a commandId is written (and fsync'd) to `commands.log` in the
 * journal directory BEFORE the BMC is touched, so a crash in the middle of a
 * power action never repeats it after a restart. Never late: a command at or
 * past its `expiresAt` is not carried out (the agent reports it as expired).
 *
 * commands.log holds one line per command, "COMMAND_ID EXPIRES_AT_ISO"; lines
 * of commands that expired more than a day ago are dropped when it is
 * rewritten (they can no longer be handed out).
 */
import fs from "node:fs";
import path from "node:path";
import type { TAgentCommand } from "../../server/contracts/agent";

const FILE = "commands.log";
/** keep ids this long after their deadline (clock skew between server and agent is far smaller) */
const KEEP_AFTER_EXPIRY_MS = 24 * 3600_000;

export type CommandDecision = "execute" | "duplicate" | "expired";

/** What to do with a command handed out by the server, given the ids already taken and the agent's clock. */
export function decideCommand(cmd: Pick<TAgentCommand, "commandId" | "expiresAt">, taken: ReadonlySet<string> | { has(id: string): boolean }, nowMs: number): CommandDecision {
  if (taken.has(cmd.commandId)) return "duplicate";
  const expires = Date.parse(cmd.expiresAt);
  if (!Number.isFinite(expires) || nowMs >= expires) return "expired";
  return "execute";
}

export class CommandLedger {
  private readonly taken = new Map<string, number>();
  private fd: number | null = null;

  private constructor(
    private readonly file: string,
    private readonly doFsync: boolean,
  ) {}

  /** Opens (or creates) `commands.log` in `dir` and drops ids long past their deadline. */
  static open(dir: string, opts: { nowMs?: number; fsync?: boolean } = {}): CommandLedger {
    fs.mkdirSync(dir, { recursive: true });
    const l = new CommandLedger(path.join(dir, FILE), opts.fsync ?? true);
    l.load(opts.nowMs ?? Date.now());
    return l;
  }

  private load(nowMs: number): void {
    let text = "";
    try {
      text = fs.readFileSync(this.file, "utf8");
    } catch {
      /* first start */
    }
    let stale = 0;
    for (const line of text.split("\n")) {
      const [id, exp] = line.trim().split(" ");
      if (!id) continue;
      const expires = Date.parse(exp ?? "");
      // a torn or unreadable line still counts as taken: never run it twice
      const at = Number.isFinite(expires) ? expires : nowMs;
      if (at + KEEP_AFTER_EXPIRY_MS < nowMs) stale++;
      else this.taken.set(id, at);
    }
    if (stale > 0 || (text.length > 0 && !text.endsWith("\n"))) this.rewrite();
    this.fd = fs.openSync(this.file, "a");
  }

  private rewrite(): void {
    const tmp = `${this.file}.tmp`;
    const body = [...this.taken].map(([id, at]) => `${id} ${new Date(at).toISOString()}\n`).join("");
    const fd = fs.openSync(tmp, "w");
    fs.writeSync(fd, body);
    if (this.doFsync) fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(tmp, this.file);
  }

  has(commandId: string): boolean {
    return this.taken.has(commandId);
  }

  get size(): number {
    return this.taken.size;
  }

  /**
   * Decides, and when the answer is "execute" records the command as taken
   * (durably) before returning, so the caller may act on the BMC.
   */
  claim(cmd: Pick<TAgentCommand, "commandId" | "expiresAt">, nowMs: number): CommandDecision {
    const d = decideCommand(cmd, this, nowMs);
    if (d === "duplicate") return d;
    // an expired command is recorded too: it is answered once, not every time it shows up
    this.record(cmd.commandId, Date.parse(cmd.expiresAt));
    return d;
  }

  private record(commandId: string, expiresMs: number): void {
    if (this.fd === null) throw new Error("command ledger: closed");
    const at = Number.isFinite(expiresMs) ? expiresMs : Date.now();
    fs.writeSync(this.fd, `${commandId} ${new Date(at).toISOString()}\n`);
    if (this.doFsync) fs.fsyncSync(this.fd);
    this.taken.set(commandId, at);
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }
}
