/**
 * Prisma's schema engine as WebAssembly (no native binary, nothing downloaded):
 * used only to compute migration SQL from two datamodels. Applying migrations
 * is done by server/db/migrate.ts.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

type DiffTarget = { tag: "empty" } | { tag: "schemaDatamodel"; files: { path: string; content: string }[] };
interface Engine {
  diff(p: { from: DiffTarget; to: DiffTarget; script: boolean; shadowDatabaseUrl: null; exitCode: null; filters: { externalTables: string[]; externalEnums: string[] } }): Promise<{ exitCode: number; stdout: string | null }>;
  free(): void;
}

let bgModule: Record<string, unknown> | undefined;

async function loadWasm(): Promise<Record<string, unknown>> {
  if (bgModule) return bgModule;
  const bgUrl = import.meta.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const bg = (await import(bgUrl)) as Record<string, unknown> & { __wbg_set_wasm(x: unknown): void };
  const wasmPath = fileURLToPath(new URL("./schema_engine_bg.wasm", bgUrl));
  const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), { "./schema_engine_bg.js": bg as WebAssembly.ModuleImports });
  bg.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start(): void }).__wbindgen_start();
  bgModule = bg;
  return bg;
}

/**
 * Datamodel-to-datamodel diffs never touch a database, but the engine connects
 * once at start. It gets a connection that answers nothing: every query fails.
 */
function offlineAdapterFactory(provider: "sqlite" | "postgres") {
  const refuse = async (_q?: unknown): Promise<never> => {
    throw new Error("the schema engine tried to query a database during an offline diff");
  };
  // PostgreSQL: the engine asks for the server version when it connects.
  const queryRaw = async (q: { sql: string }) => {
    if (provider === "postgres" && q.sql.includes("server_version_num")) {
      return { columnNames: ["exists", "version", "numeric_version"], columnTypes: [5, 7, 0], rows: [[true, "PostgreSQL 15.0", 150000]] };
    }
    return refuse(q);
  };
  const connection = () => ({
    provider,
    adapterName: "ironledger-offline",
    queryRaw,
    executeRaw: refuse,
    executeScript: refuse,
    startTransaction: refuse,
    dispose: async () => {},
  });
  return { provider, adapterName: "ironledger-offline", connect: async () => connection(), connectToShadowDb: async () => connection() };
}

/** SQL that turns the `from` datamodel into the `to` datamodel (from = null means an empty database). */
export async function diffDatamodels(provider: "sqlite" | "postgresql", from: string | null, to: string): Promise<string> {
  const bg = await loadWasm();
  const { bindMigrationAwareSqlAdapterFactory } = await import("@prisma/driver-adapter-utils");
  const SchemaEngine = bg.SchemaEngine as { new: (o: unknown, cb: (msg: string) => void, a: object) => Promise<Engine> };
  const toTarget = (content: string): DiffTarget => ({ tag: "schemaDatamodel", files: [{ path: "schema.prisma", content }] });
  const engine = await SchemaEngine.new(
    { datamodels: [["schema.prisma", to]] },
    () => {},
    bindMigrationAwareSqlAdapterFactory(offlineAdapterFactory(provider === "postgresql" ? "postgres" : "sqlite") as never),
  );
  try {
    const out = await engine.diff({
      from: from === null ? { tag: "empty" } : toTarget(from),
      to: toTarget(to),
      script: true,
      shadowDatabaseUrl: null,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    });
    return out.stdout ?? "";
  } finally {
    engine.free();
  }
}
