"use client";
/** Write a SAT checklist: a new template, or the next version of one (same name). */
import { useRouter } from "next/navigation";
import { useState } from "react";
import { errorMessage, rpcMutation } from "../../../_components/rpc-fetch";

type TKind = "YES_NO" | "MEASURE" | "NOTE" | "SIGNATURE";
type TRow = { kind: TKind; key: string; label: string; required: boolean; unit: string; min: string; max: string };
const KINDS: { id: TKind; label: string }[] = [
  { id: "YES_NO", label: "Yes / no" },
  { id: "MEASURE", label: "Measured value" },
  { id: "NOTE", label: "Note" },
  { id: "SIGNATURE", label: "Signature" },
];
const blank = (kind: TKind = "YES_NO"): TRow => ({ kind, key: "", label: "", required: kind !== "NOTE", unit: "", min: "", max: "" });

export type TTemplateSeed = { name: string; modelId: string | null; items: ({ kind: TKind; key: string; label: string; required: boolean } & { unit?: string; min?: number; max?: number })[] };

export function TemplateForm({ models, seed }: { models: { id: string; name: string }[]; seed: TTemplateSeed | null }) {
  const router = useRouter();
  const [name, setName] = useState(seed?.name ?? "");
  const [modelId, setModelId] = useState(seed?.modelId ?? "");
  const [rows, setRows] = useState<TRow[]>(seed ? seed.items.map((i) => ({ ...blank(i.kind), ...i, unit: i.unit ?? "", min: i.min === undefined ? "" : String(i.min), max: i.max === undefined ? "" : String(i.max) })) : [blank(), blank("SIGNATURE")]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const set = (n: number, p: Partial<TRow>) => setRows((rs) => rs.map((r, i) => (i === n ? { ...r, ...p } : r)));
  const num = (s: string) => (s.trim() ? Number(s) : undefined);
  return (
    <form
      className="card p-4 space-y-3"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
          await rpcMutation("acceptance.saveTemplate", {
            name,
            modelId: modelId || null,
            items: rows.map((r) => ({ kind: r.kind, key: r.key, label: r.label, required: r.required, ...(r.kind === "MEASURE" ? { unit: r.unit, min: num(r.min), max: num(r.max) } : {}) })),
          });
          router.push("/sat/templates");
          router.refresh();
        } catch (err) {
          setError(errorMessage(err));
        } finally {
          setBusy(false);
        }
      }}
    >
      <h2 className="text-lg font-semibold">{seed ? `New version of ${seed.name}` : "New checklist"}</h2>
      <div className="grid gap-3 md:grid-cols-2">
        <label className="block">
          <span className="block text-sm text-slate-700">Name (the same name saves a new version)</span>
          <input className="input" value={name} onChange={(e) => setName(e.target.value)} required minLength={3} data-testid="tpl-name" />
        </label>
        <label className="block">
          <span className="block text-sm text-slate-700">For model</span>
          <select className="input" value={modelId} onChange={(e) => setModelId(e.target.value)}>
            <option value="">General (any model)</option>
            {models.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <table className="w-full text-left text-sm">
        <thead className="bg-slate-100">
          <tr>
            <th className="p-2">Kind</th>
            <th className="p-2">Key</th>
            <th className="p-2">Label</th>
            <th className="p-2">Unit</th>
            <th className="p-2">Min</th>
            <th className="p-2">Max</th>
            <th className="p-2">Required</th>
            <th className="p-2" />
          </tr>
        </thead>
        <tbody>
          {rows.map((r, n) => (
            <tr key={n} className="border-t">
              <td className="p-1">
                <select className="input" aria-label={`Item ${n + 1} kind`} value={r.kind} onChange={(e) => set(n, { kind: e.target.value as TKind })}>
                  {KINDS.map((k) => (
                    <option key={k.id} value={k.id}>
                      {k.label}
                    </option>
                  ))}
                </select>
              </td>
              <td className="p-1"><input className="input font-mono" aria-label={`Item ${n + 1} key`} value={r.key} onChange={(e) => set(n, { key: e.target.value })} placeholder="psu-voltage" required /></td>
              <td className="p-1"><input className="input" aria-label={`Item ${n + 1} label`} value={r.label} onChange={(e) => set(n, { label: e.target.value })} required /></td>
              <td className="p-1"><input className="input w-20" aria-label={`Item ${n + 1} unit`} value={r.unit} disabled={r.kind !== "MEASURE"} onChange={(e) => set(n, { unit: e.target.value })} /></td>
              <td className="p-1"><input className="input w-24" aria-label={`Item ${n + 1} lower limit`} inputMode="decimal" value={r.min} disabled={r.kind !== "MEASURE"} onChange={(e) => set(n, { min: e.target.value })} /></td>
              <td className="p-1"><input className="input w-24" aria-label={`Item ${n + 1} upper limit`} inputMode="decimal" value={r.max} disabled={r.kind !== "MEASURE"} onChange={(e) => set(n, { max: e.target.value })} /></td>
              <td className="p-1 text-center"><input type="checkbox" className="h-6 w-6" aria-label={`Item ${n + 1} required`} checked={r.required} onChange={(e) => set(n, { required: e.target.checked })} /></td>
              <td className="p-1"><button type="button" className="btn btn-secondary" onClick={() => setRows((rs) => rs.filter((_, i) => i !== n))} aria-label={`Remove item ${n + 1}`}>✕</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" className="btn btn-secondary" onClick={() => setRows((rs) => [...rs, blank()])}>Add item</button>
      {error && (
        <p role="alert" className="rounded-lg bg-red-50 border border-red-300 text-red-900 px-3 py-2">
          {error}
        </p>
      )}
      <button className="btn btn-primary" disabled={busy}>{busy ? "Saving…" : "Save checklist"}</button>
    </form>
  );
}
