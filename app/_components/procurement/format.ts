/** Money, percentages and dates as procurement pages show them (the same on server and browser). */
export function money(n: number | null | undefined, currency?: string): string {
  if (n === null || n === undefined) return "—";
  const s = n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return currency ? `${s} ${currency}` : s;
}
export function pct(n: number | null | undefined): string {
  return n === null || n === undefined ? "—" : `${(n * 100).toFixed(1)} %`;
}
export function day(d: Date | string | null | undefined): string {
  if (!d) return "—";
  return (typeof d === "string" ? d : d.toISOString()).slice(0, 10);
}
export const PO_STATUS_LABEL: Record<string, string> = {
  DRAFT: "Draft",
  ISSUED: "Issued",
  PARTIALLY_RECEIVED: "Partially received",
  RECEIVED: "Received",
  CLOSED: "Closed",
  CANCELLED: "Cancelled",
};
