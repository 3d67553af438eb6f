import path from "node:path";

export type TProvider = "sqlite" | "postgresql";

export interface TDbTarget {
  provider: TProvider;
  /** sqlite: absolute file path; postgresql: the connection string */
  location: string;
}

/** `file:./data/x.db`, `file:/abs/x.db`, `sqlite:…`, a bare path, or `postgres(ql)://…`. */
export function parseDatabaseUrl(url: string): TDbTarget {
  if (/^postgres(ql)?:\/\//i.test(url)) return { provider: "postgresql", location: url };
  let p = url.replace(/^(file|sqlite):(\/\/)?/i, "");
  if (p.includes("?")) p = p.slice(0, p.indexOf("?"));
  if (p === "") throw new Error(`DATABASE_URL "${url}" names no database file`);
  return { provider: "sqlite", location: path.resolve(p) };
}
