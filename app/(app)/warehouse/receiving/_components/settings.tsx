"use client";
/** Receiving settings (admin): the asset tag format given at receiving, or pre-printed tags; the default receiving bin. */
import { useState } from "react";
import { errorMessage, rpcMutation } from "../../../../_components/rpc-fetch";
import type { TReceivingSettings } from "@/server/domains/receiving/schema";

export function ReceivingSettingsForm({ initial, bins }: { initial: TReceivingSettings; bins: { id: string; path: string }[] }) {
  const [s, setS] = useState(initial);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const example = `${s.tagPrefix.toUpperCase()}${String(s.tagNext).padStart(s.tagDigits, "0")}`;
  return (
    <details className="card p-3">
      <summary className="cursor-pointer min-h-11 flex items-center font-semibold">Receiving settings</summary>
      <form
        className="flex flex-wrap items-end gap-3 mt-2"
        onSubmit={async (e) => {
          e.preventDefault();
          try {
            setS(await rpcMutation<TReceivingSettings>("receiving.updateSettings", s));
            setMsg({ ok: true, text: "Saved." });
          } catch (err) {
            setMsg({ ok: false, text: errorMessage(err) });
          }
        }}
      >
        <label className="flex flex-col">
          <span className="text-sm text-slate-600">Asset tags</span>
          <select className="border rounded-lg px-3 min-h-11" value={s.tagMode} onChange={(e) => setS({ ...s, tagMode: e.target.value as TReceivingSettings["tagMode"] })}>
            <option value="GENERATE">Generated at receiving</option>
            <option value="PREPRINTED">Pre-printed, scanned after the serial</option>
          </select>
        </label>
        <label className="flex flex-col">
          <span className="text-sm text-slate-600">Prefix</span>
          <input className="border rounded-lg px-3 min-h-11 w-28" value={s.tagPrefix} onChange={(e) => setS({ ...s, tagPrefix: e.target.value })} />
        </label>
        <label className="flex flex-col">
          <span className="text-sm text-slate-600">Digits</span>
          <input type="number" min={3} max={12} className="border rounded-lg px-3 min-h-11 w-20" value={s.tagDigits} onChange={(e) => setS({ ...s, tagDigits: Number(e.target.value) })} />
        </label>
        <label className="flex flex-col">
          <span className="text-sm text-slate-600">Next number</span>
          <input type="number" min={1} className="border rounded-lg px-3 min-h-11 w-32" value={s.tagNext} onChange={(e) => setS({ ...s, tagNext: Number(e.target.value) })} />
        </label>
        <label className="flex flex-col">
          <span className="text-sm text-slate-600">Default receiving bin</span>
          <select className="border rounded-lg px-3 min-h-11" value={s.defaultBinId ?? ""} onChange={(e) => setS({ ...s, defaultBinId: e.target.value || null })}>
            <option value="">None</option>
            {bins.map((b) => (
              <option key={b.id} value={b.id}>
                {b.path}
              </option>
            ))}
          </select>
        </label>
        <span className="text-sm text-slate-600 min-h-11 inline-flex items-center">Next tag: {example}</span>
        <button className="btn btn-primary">Save</button>
        {msg && (
          <span role="status" className={msg.ok ? "text-emerald-800" : "text-red-800"}>
            {msg.text}
          </span>
        )}
      </form>
    </details>
  );
}
