"use client";
/** Start a SAT run for one Cabled asset or for a rack (its Cabled assets move to SAT). */
import { useRouter } from "next/navigation";
import { useState } from "react";
import { errorMessage, rpcMutation } from "../../_components/rpc-fetch";

export function StartSat({ assets, racks, templates }: { assets: { id: string; label: string }[]; racks: { id: string; path: string }[]; templates: { id: string; label: string }[] }) {
  const router = useRouter();
  const [target, setTarget] = useState("");
  const [templateId, setTemplateId] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="card p-4 space-y-3"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
          const [kind, id] = target.split(":");
          const run = await rpcMutation<{ id: string }>("acceptance.start", { ...(kind === "rack" ? { rackId: id } : { assetId: id }), ...(templateId ? { templateId } : {}) });
          router.push(`/sat/${run.id}`);
        } catch (err) {
          setError(errorMessage(err));
          setBusy(false);
        }
      }}
    >
      <h2 className="text-lg font-semibold">Start a SAT</h2>
      <div className="grid gap-3 md:grid-cols-2">
        <label className="block">
          <span className="block text-sm text-slate-700">Asset or rack</span>
          <select className="input text-lg" required value={target} onChange={(e) => setTarget(e.target.value)} data-testid="sat-target">
            <option value="">Choose…</option>
            <optgroup label="Cabled assets">
              {assets.map((a) => (
                <option key={a.id} value={`asset:${a.id}`}>
                  {a.label}
                </option>
              ))}
            </optgroup>
            <optgroup label="Racks (every Cabled asset in it)">
              {racks.map((r) => (
                <option key={r.id} value={`rack:${r.id}`}>
                  {r.path}
                </option>
              ))}
            </optgroup>
          </select>
        </label>
        <label className="block">
          <span className="block text-sm text-slate-700">Checklist</span>
          <select className="input text-lg" value={templateId} onChange={(e) => setTemplateId(e.target.value)} data-testid="sat-template">
            <option value="">The latest for the model (or the general one)</option>
            {templates.map((t) => (
              <option key={t.id} value={t.id}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error && (
        <p role="alert" className="rounded-lg bg-red-50 border border-red-300 text-red-900 px-3 py-2">
          {error}
        </p>
      )}
      <button className="btn btn-primary text-lg" disabled={busy || !target} data-testid="sat-start">
        {busy ? "Starting…" : "Start SAT"}
      </button>
    </form>
  );
}
