/**
 * `ironledger admin …` — operator commands against DATABASE_URL, for the
 * people who run IronLedger (the bin routes `admin` here; agents/ never
 * imports the server). Every change is audited as the system actor.
 *
 *   ironledger admin user create --username U --name "Full Name" --role R [--password-env VAR]
 *   ironledger admin user reset-password --username U [--password-env VAR]
 *   ironledger admin user unlock --username U
 *   ironledger admin token create --name N --role R [--expires DAYS] [--owner USERNAME]
 *
 * Passwords never come from the command line (shell history, ps): from the
 * environment variable named by --password-env, or typed on a terminal.
 * Exit codes: 0 ok, 1 failed (one line "error: …"), 2 bad arguments.
 */
import { parseArgs } from "node:util";
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { ZodError } from "zod";
import { createDatabase, tuneDatabase, type TDatabase } from "../server/db/client";
import { env } from "../server/env";
import { SYSTEM_ACTOR, systemClock, type TDeps } from "../server/context";
import { AppError } from "../server/errors";
import { ROLES, ZRole } from "../server/auth/roles";
import { ZPassword } from "../server/domains/users/schema";
import { createApiToken, createUser, unlockUser, updateUser } from "../server/domains/users/service";

export const ADMIN_USAGE = `usage:
  ironledger admin user create --username USER --name "FULL NAME" --role ROLE [--password-env VAR]
  ironledger admin user reset-password --username USER [--password-env VAR]
  ironledger admin user unlock --username USER
  ironledger admin token create --name NAME --role ROLE [--expires DAYS] [--owner USER]

  --password-env VAR  name of the environment variable holding the password; without it
                      the password is asked for on the terminal (never give it as an argument)
  --role              one of ${ROLES.join(", ")}
  --expires DAYS      the token stops working after DAYS days (default: never)
  --owner USER        the administrator the token belongs to (default: the oldest active one)

Runs against DATABASE_URL (default file:./data/ironledger.db); changes are audited
as the system actor. reset-password also lifts a sign-in lock and signs the user out.
exit codes: 0 ok, 1 failed, 2 bad arguments
`;

export interface TAdminIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  /** asks for a secret without echoing it; null when there is no terminal */
  askSecret: ((prompt: string) => Promise<string>) | null;
}

class UsageError extends Error {}

const OPTIONS = {
  username: { type: "string" },
  name: { type: "string" },
  role: { type: "string" },
  "password-env": { type: "string" },
  password: { type: "string" },
  expires: { type: "string" },
  owner: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

type TValues = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]["type"] extends "boolean" ? boolean : string };

const ALLOWED: Record<string, (keyof typeof OPTIONS)[]> = {
  "user create": ["username", "name", "role", "password-env"],
  "user reset-password": ["username", "password-env"],
  "user unlock": ["username"],
  "token create": ["name", "role", "expires", "owner"],
};

function parse(args: string[]): TValues {
  let parsed;
  try {
    parsed = parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false });
  } catch (e) {
    throw new UsageError((e as Error).message.split("\n")[0]!.replace(/^Unknown option/, "unknown option"));
  }
  return parsed.values as TValues;
}

function need(v: TValues, key: keyof typeof OPTIONS): string {
  const x = v[key];
  if (typeof x !== "string" || x.trim() === "") throw new UsageError(`missing --${key}`);
  return x;
}

function role(v: TValues) {
  const r = ZRole.safeParse(need(v, "role"));
  if (!r.success) throw new UsageError(`unknown role "${v.role}" (one of ${ROLES.join(", ")})`);
  return r.data;
}

async function password(v: TValues, io: TAdminIo): Promise<string> {
  const fromEnv = v["password-env"];
  let pw: string;
  if (fromEnv !== undefined) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(fromEnv)) throw new UsageError(`--password-env takes the NAME of an environment variable, not "${fromEnv.length > 40 ? fromEnv.slice(0, 40) + "…" : fromEnv}"`);
    const x = io.env[fromEnv];
    if (x === undefined || x === "") throw new UsageError(`the environment variable ${fromEnv} (from --password-env) is not set`);
    pw = x;
  } else if (io.askSecret) {
    pw = await io.askSecret("New password: ");
    const again = await io.askSecret("Repeat it: ");
    if (pw !== again) throw new UsageError("the two passwords differ; nothing was changed");
  } else {
    throw new UsageError("no password: give --password-env VAR (an environment variable holding it), or run this on a terminal to type it");
  }
  const ok = ZPassword.safeParse(pw);
  if (!ok.success) throw new UsageError(`the password is not accepted: ${ok.error.issues[0]?.message ?? "invalid"}`);
  return pw;
}

async function openDeps(): Promise<{ deps: TDeps; database: TDatabase }> {
  const database = createDatabase(env().DATABASE_URL);
  await tuneDatabase(database);
  const deps: TDeps = { db: database.db, provider: database.provider, clock: systemClock };
  try {
    await deps.db.user.count();
  } catch (e) {
    await database.close();
    throw new AppError("UNAVAILABLE", `the database at DATABASE_URL cannot be used (${(e as Error).message.trim().split("\n").pop()}); is it set up? run \`npm start\` once or \`npm run db:migrate\``);
  }
  return { deps, database };
}

async function withDeps<T>(fn: (deps: TDeps) => Promise<T>): Promise<T> {
  const { deps, database } = await openDeps();
  try {
    return await fn(deps);
  } finally {
    await database.close();
  }
}

async function userByName(deps: TDeps, username: string) {
  const u = await deps.db.user.findUnique({ where: { username: username.trim().toLowerCase() }, select: { id: true, username: true, displayName: true, active: true, role: true } });
  if (!u) throw new AppError("NOT_FOUND", `no user named ${username}`);
  return u;
}

export async function adminMain(argv: string[], io: TAdminIo): Promise<number> {
  const [group, action, ...rest] = argv;
  try {
    if (group === undefined || group === "--help" || group === "-h" || group === "help") {
      io.stdout(ADMIN_USAGE);
      return group === undefined ? 2 : 0;
    }
    const command = `${group} ${action ?? ""}`.trim();
    const allowed = ALLOWED[command];
    if (!allowed) {
      if (group !== "user" && group !== "token") throw new UsageError(`unknown admin command "${group}" (user or token)`);
      throw new UsageError(action === undefined ? `missing ${group} subcommand` : `unknown ${group} subcommand "${action}"`);
    }
    const v = parse(rest);
    if (v.help) {
      io.stdout(ADMIN_USAGE);
      return 0;
    }
    if (v.password !== undefined) throw new UsageError("passwords are never taken as an argument (they end up in shell history and the process list): use --password-env VAR, or type it when asked on a terminal");
    for (const k of Object.keys(v) as (keyof typeof OPTIONS)[]) if (!allowed.includes(k)) throw new UsageError(`--${k} does not apply to "${command}"`);

    switch (command) {
      case "user create": {
        const input = { username: need(v, "username"), displayName: need(v, "name"), role: role(v) };
        const pw = await password(v, io);
        const user = await withDeps((deps) => createUser(deps, SYSTEM_ACTOR, { ...input, password: pw }));
        io.stdout(`created user ${user.username} (${user.displayName}, ${user.role})\n`);
        return 0;
      }
      case "user reset-password": {
        const username = need(v, "username");
        const pw = await password(v, io);
        await withDeps(async (deps) => {
          const u = await userByName(deps, username);
          await updateUser(deps, SYSTEM_ACTOR, { id: u.id, data: { password: pw } });
          const { cleared } = await unlockUser(deps, SYSTEM_ACTOR, u.username);
          io.stdout(`password of ${u.username} changed; open sessions signed out${cleared ? `; ${cleared} failed sign-ins forgotten` : ""}${u.active ? "" : " (the account is deactivated: an administrator can reactivate it under Admin)"}\n`);
        });
        return 0;
      }
      case "user unlock": {
        const username = need(v, "username");
        await withDeps(async (deps) => {
          const u = await userByName(deps, username);
          const { cleared } = await unlockUser(deps, SYSTEM_ACTOR, u.username);
          io.stdout(`${u.username} may sign in again (${cleared} failed sign-ins forgotten)\n`);
        });
        return 0;
      }
      case "token create": {
        const name = need(v, "name");
        const r = role(v);
        let expiresInDays: number | undefined;
        if (v.expires !== undefined) {
          if (!/^\d+$/.test(v.expires) || Number(v.expires) < 1 || Number(v.expires) > 3650) throw new UsageError(`--expires takes a number of days from 1 to 3650, not "${v.expires}"`);
          expiresInDays = Number(v.expires);
        }
        const t = await withDeps(async (deps) => {
          const owner = v.owner
            ? await userByName(deps, v.owner)
            : await deps.db.user.findFirst({ where: { role: "admin", active: true }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { id: true, username: true, active: true, displayName: true, role: true } });
          if (!owner) throw new AppError("NOT_FOUND", "there is no active administrator to own the token; create one first: ironledger admin user create --role admin …");
          if (!owner.active) throw new AppError("BAD_REQUEST", `${owner.username} is deactivated; a token owned by a deactivated user does not work`);
          const token = await createApiToken(deps, SYSTEM_ACTOR, { name, role: r, expiresInDays }, owner);
          return { ...token, owner: owner.username };
        });
        io.stderr(`API token "${t.name}" (role ${t.role}, owner ${t.owner}, ${t.expiresAt ? `expires ${t.expiresAt.toISOString()}` : "never expires"}). It is shown once: store it now.\n`);
        io.stdout(`${t.token}\n`);
        return 0;
      }
    }
    throw new UsageError(`unknown command "${command}"`);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`error: ${e.message} (see: ironledger admin --help)\n`);
      return 2;
    }
    if (e instanceof AppError) {
      io.stderr(`error: ${e.message}\n`);
      return 1;
    }
    if (e instanceof ZodError) {
      io.stderr(`error: ${e.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; ")}\n`);
      return 2;
    }
    io.stderr(`error: ${((e as Error)?.message ?? String(e)).trim().split("\n").pop()}\n`);
    return 1;
  }
}

/** Reads a line from the terminal without echoing it. */
function askSecretOnTty(prompt: string): Promise<string> {
  const muted = new Writable({ write: (_chunk, _enc, cb) => cb() });
  process.stderr.write(prompt);
  const rl = createInterface({ input: process.stdin, output: muted, terminal: true });
  return new Promise((resolve) => {
    rl.question("", (answer) => {
      rl.close();
      process.stderr.write("\n");
      resolve(answer);
    });
  });
}

export async function runAsProgram(argv = process.argv.slice(2)): Promise<void> {
  const args = argv[0] === "admin" ? argv.slice(1) : argv;
  const code = await adminMain(args, {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    env: process.env,
    askSecret: process.stdin.isTTY ? askSecretOnTty : null,
  });
  await new Promise<void>((r) => process.stdout.write("", () => r()));
  await new Promise<void>((r) => process.stderr.write("", () => r()));
  process.exit(code);
}
