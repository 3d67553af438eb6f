import { STATUS_META, type TAssetStatus } from "@/server/domains/assets/status";

const TONES: Record<string, string> = {
  slate: "bg-slate-100 text-slate-800 ring-slate-300",
  blue: "bg-blue-50 text-blue-800 ring-blue-300",
  indigo: "bg-indigo-50 text-indigo-800 ring-indigo-300",
  amber: "bg-amber-50 text-amber-900 ring-amber-300",
  emerald: "bg-emerald-50 text-emerald-800 ring-emerald-300",
  red: "bg-red-50 text-red-800 ring-red-300",
  orange: "bg-orange-50 text-orange-900 ring-orange-300",
  zinc: "bg-zinc-100 text-zinc-700 ring-zinc-300",
  purple: "bg-purple-50 text-purple-800 ring-purple-300",
};

export function StatusBadge({ status }: { status: TAssetStatus }) {
  const meta = STATUS_META[status];
  return <span className={`inline-flex items-center rounded-full px-2.5 py-0.5 text-sm font-medium ring-1 ring-inset ${TONES[meta.tone]}`} data-status={status}>{meta.label}</span>;
}

export function statusLabel(s: TAssetStatus) {
  return STATUS_META[s].label;
}
