"use client";
/**
 * A firmware engineer's baseline editor (a model's component: match rule, releases oldest first, each
 * approved / blocked / pending) and the JSON export / import. Saving makes a new revision; the page
 * refreshes from the server and says so in a toast.
 */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ErrorBox, Field, fieldError } from "../ui/form";
import { useToast } from "../ui/toast";
import { useTRPC } from "../trpc";

type TStatus = "APPROVED" | "BLOCKED" | "PENDING";
type TRule = "EXACT" | "PREFIX" | "PATTERN";
type TRow = { version: string; status: TStatus; releasedAt: string; notes: string; pattern: string; packageFile: string; sha256: string };
type TBaseline = { modelId: string; component: string; matchRule: TRule; releases: { version: string; status: TStatus; releasedAt: string | null; notes: string | null; pattern: string | null; packageFile: string | null; sha256: string | null }[] };

const empty = (): TRow => ({ version: "", status: "APPROVED", releasedAt: "", notes: "", pattern: "", packageFile: "", sha256: "" });

export function BaselineEditor({ models, baselines }: { models: { id: string; name: string }[]; baselines: TBaseline[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const toast = useToast();
  const [modelId, setModelId] = useState("");
  const [component, setComponent] = useState("");
  const [rule, setRule] = useState<TRule>("EXACT");
  const [rows, setRows] = useState<TRow[]>([empty()]);
  const save = useMutation(
    trpc.firmware.saveBaseline.mutationOptions({
      onSuccess: (b) => {
        toast.success(`Saved ${b.component} for ${b.modelName}: revision ${b.revision}.`);
        router.refresh();
      },
    }),
  );
  const load = (m: string, c: string) => {
    const b = baselines.find((x) => x.modelId === m && x.component === c);
    if (!b) return;
    setRule(b.matchRule);
    setRows(b.releases.map((r) => ({ version: r.version, status: r.status, releasedAt: r.releasedAt ?? "", notes: r.notes ?? "", pattern: r.pattern ?? "", packageFile: r.packageFile ?? "", sha256: r.sha256 ?? "" })));
  };
  const setRow = (i: number, patch: Partial<TRow>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const move = (i: number, by: -1 | 1) => {
    const j = i + by;
    if (j < 0 || j >= rows.length) return;
    const next = [...rows];
    [next[i], next[j]] = [next[j]!, next[i]!];
    setRows(next);
  };
  const opt = (s: string) => (s.trim() ? s.trim() : undefined);
  return (
    <form
      className="card p-4 space-y-3"
      data-testid="fw-baseline-editor"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({ modelId, component, matchRule: rule, releases: rows.map((r) => ({ version: r.version, status: r.status, releasedAt: opt(r.releasedAt), notes: opt(r.notes), pattern: rule === "PATTERN" ? opt(r.pattern) : undefined, packageFile: opt(r.packageFile), sha256: opt(r.sha256) })) });
      }}
    >
      <h3 className="font-semibold">Define or change a baseline</h3>
      <div className="grid gap-3 md:grid-cols-3">
        <Field label="Hardware model" error={fieldError(save.error, "modelId")}>
          <select className="input" value={modelId} onChange={(e) => (setModelId(e.target.value), load(e.target.value, component))} data-testid="fw-model">
            <option value="">— choose a model —</option>
            {models.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Component (as the BMC names it)" error={fieldError(save.error, "component")}>
          <input className="input" value={component} onChange={(e) => setComponent(e.target.value)} onBlur={() => load(modelId, component.trim())} placeholder="BIOS" data-testid="fw-component" />
        </Field>
        <Field label="Match rule" hint="exact text, the release as a prefix, or an expression per release">
          <select className="input" value={rule} onChange={(e) => setRule(e.target.value as TRule)} data-testid="fw-rule">
            <option value="EXACT">Exact</option>
            <option value="PREFIX">Prefix</option>
            <option value="PATTERN">Pattern</option>
          </select>
        </Field>
      </div>
      <p className="text-sm text-slate-700">Releases, oldest first: the order comes from here, never from the version strings.</p>
      <ol className="space-y-2">
        {rows.map((r, i) => (
          <li key={i} className="grid gap-2 md:grid-cols-6 items-end border-t pt-2" data-testid="fw-release">
            <Field label={`${i + 1}. Version`} error={fieldError(save.error, `releases.${i}.version`)}>
              <input className="input" value={r.version} onChange={(e) => setRow(i, { version: e.target.value })} data-testid={`fw-version-${i}`} />
            </Field>
            <Field label="Status">
              <select className="input" value={r.status} onChange={(e) => setRow(i, { status: e.target.value as TStatus })} data-testid={`fw-status-${i}`}>
                <option value="APPROVED">Approved</option>
                <option value="BLOCKED">Blocked</option>
                <option value="PENDING">Pending</option>
              </select>
            </Field>
            <Field label="Released (optional)" error={fieldError(save.error, `releases.${i}.releasedAt`)}>
              <input className="input" type="date" value={r.releasedAt} onChange={(e) => setRow(i, { releasedAt: e.target.value })} />
            </Field>
            {rule === "PATTERN" ? (
              <Field label="Pattern" error={fieldError(save.error, `releases.${i}.pattern`)}>
                <input className="input font-mono" value={r.pattern} onChange={(e) => setRow(i, { pattern: e.target.value })} data-testid={`fw-pattern-${i}`} />
              </Field>
            ) : (
              <Field label="Notes (optional)">
                <input className="input" value={r.notes} onChange={(e) => setRow(i, { notes: e.target.value })} />
              </Field>
            )}
            <Field label="SHA-256 (optional)" error={fieldError(save.error, `releases.${i}.sha256`)}>
              <input className="input font-mono" value={r.sha256} onChange={(e) => setRow(i, { sha256: e.target.value })} />
            </Field>
            <div className="flex gap-2">
              <button type="button" className="btn btn-secondary" onClick={() => move(i, -1)} disabled={i === 0} aria-label={`Move release ${i + 1} earlier`}>
                ↑
              </button>
              <button type="button" className="btn btn-secondary" onClick={() => move(i, 1)} disabled={i === rows.length - 1} aria-label={`Move release ${i + 1} later`}>
                ↓
              </button>
              <button type="button" className="btn btn-secondary" onClick={() => setRows(rows.filter((_, j) => j !== i))} disabled={rows.length === 1} aria-label={`Remove release ${i + 1}`}>
                ✕
              </button>
            </div>
          </li>
        ))}
      </ol>
      <div className="flex flex-wrap items-center gap-3">
        <button type="button" className="btn btn-secondary" onClick={() => setRows([...rows, empty()])} data-testid="fw-add-release">
          Add a newer release
        </button>
        <button className="btn btn-primary" disabled={save.isPending} data-testid="fw-save">
          {save.isPending ? "Saving…" : "Save baseline"}
        </button>
      </div>
      <ErrorBox error={save.error} />
    </form>
  );
}

/** Export the current baselines as JSON; import a document (every bad entry named; nothing imported when any is bad). */
export function BaselineTransfer({ canWrite }: { canWrite: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const toast = useToast();
  const [parseError, setParseError] = useState<string | null>(null);
  const imp = useMutation(
    trpc.firmware.importBaselines.mutationOptions({
      onSuccess: (r) => {
        toast.success(`Imported: ${r.saved} baseline(s) saved, ${r.unchanged} unchanged.`);
        router.refresh();
      },
    }),
  );
  return (
    <div className="card p-4 flex flex-wrap items-end gap-3">
      <button
        type="button"
        className="btn btn-secondary"
        data-testid="fw-export"
        onClick={async () => {
          const doc = await qc.fetchQuery(trpc.firmware.exportBaselines.queryOptions(undefined, { staleTime: 0 }));
          const url = URL.createObjectURL(new Blob([JSON.stringify(doc, null, 2)], { type: "application/json" }));
          const a = Object.assign(document.createElement("a"), { href: url, download: "firmware-baselines.json" });
          a.click();
          URL.revokeObjectURL(url);
        }}
      >
        Export baselines (JSON)
      </button>
      {canWrite && (
        <label className="block">
          <span className="block text-sm text-slate-700">Import a baselines document</span>
          <input
            type="file"
            accept="application/json,.json"
            className="input"
            data-testid="fw-import"
            onChange={async (e) => {
              const file = e.target.files?.[0];
              if (!file) return;
              setParseError(null);
              try {
                imp.mutate(JSON.parse(await file.text()));
              } catch {
                setParseError(`${file.name} is not JSON.`);
              }
              e.target.value = "";
            }}
          />
        </label>
      )}
      <div className="w-full">
        {parseError && <ErrorBox>{parseError}</ErrorBox>}
        <ErrorBox error={imp.error} />
      </div>
    </div>
  );
}
