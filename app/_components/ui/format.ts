/**
 * Dates as pages show them. Pages render on the server and again in the
 * browser, so a time must read the same on both: UTC, written out.
 */
export function fmtTime(v: string | Date | null | undefined, empty = "—"): string {
  if (!v) return empty;
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) return empty;
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** "1 asset", "2 assets", "0 assets"; pass `many` where adding an s is wrong ("1 entry", "3 entries"). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en")} ${n === 1 ? one : many}`;
}
