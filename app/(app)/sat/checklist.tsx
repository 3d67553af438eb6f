"use client";
/**
 * A SAT checklist on a tablet (1024×768, touch): big Yes/No targets, a number pad for measured values
 * with their limits beside them, a note, the signer's full name. Answers are saved when the technician
 * taps Save (part-filled is fine; the run resumes where it was left). "Pass and sign off" saves what is
 * unsaved first; the server refuses the pass while an item fails or a required one is unanswered, and
 * says which.
 */
import { useRouter } from "next/navigation";
import { useMemo, useState, useTransition } from "react";
import type { TSatItem, TSatRunOut } from "@/server/domains/acceptance/schema";
import { errorMessage, rpcMutation } from "../../_components/rpc-fetch";
import { useToast } from "../../_components/ui/toast";

type TAnswer = { yes?: boolean; measured?: string; text?: string };
type TResult = TSatRunOut["results"][number];

const limits = (i: Extract<TSatItem, { kind: "MEASURE" }>) =>
  i.min !== undefined && i.max !== undefined ? `${i.min} – ${i.max} ${i.unit}` : i.min !== undefined ? `≥ ${i.min} ${i.unit}` : `≤ ${i.max} ${i.unit}`;

function fromResult(r: TResult | undefined): TAnswer {
  if (!r) return {};
  return { yes: r.yes ?? undefined, measured: r.measured === null ? undefined : String(r.measured), text: r.text ?? undefined };
}

/** What the page would send for an answer (undefined fields are left out; nothing at all clears the item). */
function payload(key: string, a: TAnswer) {
  const measured = a.measured?.trim() ? Number(a.measured.replace(",", ".")) : undefined;
  return { itemKey: key, ...(a.yes !== undefined ? { yes: a.yes } : {}), ...(measured !== undefined ? { measured } : {}), ...(a.text?.trim() ? { text: a.text.trim() } : {}) };
}

/** The pass or fail the page can tell before saving (the server judges again). */
function localPass(i: TSatItem, a: TAnswer): boolean | null {
  if (i.kind === "YES_NO") return a.yes === undefined ? null : a.yes;
  if (i.kind === "MEASURE") {
    if (!a.measured?.trim()) return null;
    const v = Number(a.measured.replace(",", "."));
    if (!Number.isFinite(v)) return false;
    return (i.min === undefined || v >= i.min) && (i.max === undefined || v <= i.max);
  }
  return null;
}

export function SatChecklist({ run, canWrite }: { run: TSatRunOut; canWrite: boolean }) {
  const router = useRouter();
  const toast = useToast();
  const saved = useMemo(() => new Map(run.results.map((r) => [r.itemKey, r])), [run.results]);
  const [answers, setAnswers] = useState<Record<string, TAnswer>>(() => Object.fromEntries(run.template.items.map((i) => [i.key, fromResult(saved.get(i.key))])));
  const [busy, setBusy] = useState(false);
  const [refreshing, startRefresh] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [failing, setFailing] = useState<"fail" | "rerun" | null>(null);
  const [reason, setReason] = useState("");
  const open = run.status === "OPEN" && canWrite;
  const working = busy || refreshing;

  const changed = run.template.items.filter((i) => JSON.stringify(payload(i.key, answers[i.key] ?? {})) !== JSON.stringify(payload(i.key, fromResult(saved.get(i.key)))));
  const set = (key: string, a: TAnswer) => setAnswers((s) => ({ ...s, [key]: { ...s[key], ...a } }));

  async function act(fn: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
      startRefresh(() => router.refresh());
    }
  }

  async function save(): Promise<number> {
    if (!changed.length) return run.version;
    for (const i of changed) {
      const m = answers[i.key]?.measured;
      if (i.kind === "MEASURE" && m?.trim() && !Number.isFinite(Number(m.replace(",", ".")))) throw new Error(`${i.label}: enter a number (e.g. 230.5).`);
    }
    const out = await rpcMutation<{ version: number }>("acceptance.record", { id: run.id, expectedVersion: run.version, results: changed.map((i) => payload(i.key, answers[i.key] ?? {})) });
    return out.version;
  }

  return (
    <div className="space-y-4">
      <ol className="space-y-3" data-testid="sat-items">
        {run.template.items.map((i, n) => {
          const a = answers[i.key] ?? {};
          const s = saved.get(i.key);
          const local = localPass(i, a);
          const bad = local === false || (local === null && s?.pass === false);
          return (
            <li key={i.key} className={`card p-4 ${bad ? "border-red-400 bg-red-50" : ""}`} data-testid={`sat-item-${i.key}`}>
              <div className="flex flex-wrap items-center gap-3">
                <span className="text-slate-500 tabular-nums w-6">{n + 1}.</span>
                <label className="mr-auto text-lg font-medium" htmlFor={`item-${i.key}`}>
                  {i.label}
                  {!i.required && <span className="ml-2 text-sm font-normal text-slate-600">(optional)</span>}
                </label>
                {i.kind === "YES_NO" && (
                  <div className="flex gap-2" role="group" aria-label={i.label}>
                    {([true, false] as const).map((v) => (
                      <button
                        key={String(v)}
                        type="button"
                        id={v ? `item-${i.key}` : undefined}
                        disabled={!open || working}
                        aria-pressed={a.yes === v}
                        onClick={() => set(i.key, { yes: a.yes === v ? undefined : v })}
                        className={`btn min-w-24 text-lg ${a.yes === v ? (v ? "bg-green-700 text-white" : "bg-red-700 text-white") : "btn-secondary"}`}
                        data-testid={`sat-${i.key}-${v ? "yes" : "no"}`}
                      >
                        {v ? "Yes" : "No"}
                      </button>
                    ))}
                  </div>
                )}
                {i.kind === "MEASURE" && (
                  <div className="flex items-center gap-2">
                    <input
                      id={`item-${i.key}`}
                      className="input w-36 text-lg text-right tabular-nums"
                      inputMode="decimal"
                      disabled={!open || working}
                      value={a.measured ?? ""}
                      onChange={(e) => set(i.key, { measured: e.target.value })}
                      aria-describedby={`limits-${i.key}`}
                      data-testid={`sat-${i.key}-value`}
                    />
                    <span className="w-10">{i.unit}</span>
                    <span id={`limits-${i.key}`} className="text-sm text-slate-600">
                      limits {limits(i)}
                    </span>
                  </div>
                )}
              </div>
              {(i.kind === "NOTE" || i.kind === "SIGNATURE") && (
                <div className="mt-2">
                  {i.kind === "NOTE" ? (
                    <textarea id={`item-${i.key}`} className="input min-h-20 py-2" disabled={!open || working} value={a.text ?? ""} onChange={(e) => set(i.key, { text: e.target.value })} data-testid={`sat-${i.key}-text`} />
                  ) : (
                    <input id={`item-${i.key}`} className="input text-lg" placeholder="Your full name" autoComplete="name" disabled={!open || working} value={a.text ?? ""} onChange={(e) => set(i.key, { text: e.target.value })} data-testid={`sat-${i.key}-text`} />
                  )}
                </div>
              )}
              {bad && (
                <p className="mt-2 font-medium text-red-800" data-testid={`sat-${i.key}-fails`}>
                  {i.kind === "MEASURE" ? `Out of limits (${limits(i)}): this blocks the pass.` : "Answered No: this blocks the pass."}
                </p>
              )}
              {s && (
                <p className="mt-1 text-sm text-slate-600">
                  saved by {s.recordedBy}
                  {i.kind === "SIGNATURE" ? ` at ${new Date(s.recordedAt).toISOString().slice(0, 16).replace("T", " ")} UTC` : ""}
                </p>
              )}
            </li>
          );
        })}
      </ol>

      {error && (
        <p role="alert" className="rounded-lg bg-red-50 border border-red-300 text-red-900 px-3 py-2" data-testid="sat-error">
          {error}
        </p>
      )}
      {open && (
        <div className="card p-4 space-y-3 sticky bottom-2">
          <p className="text-slate-700" data-testid="sat-blockers">
            {changed.length ? `${changed.length} unsaved ${changed.length === 1 ? "answer" : "answers"}. ` : ""}
            {run.failing.length ? `Failing: ${run.failing.length}. ` : ""}
            {run.missing.length ? `Still to answer: ${run.missing.length}.` : ""}
            {!changed.length && run.canPass ? "Every item passes: ready to sign off." : ""}
          </p>
          <div className="flex flex-wrap gap-2">
            <button type="button" className="btn btn-secondary text-lg" disabled={working || !changed.length} onClick={() => act(async () => (await save(), toast.success("Saved. You can come back to this checklist later.")))} data-testid="sat-save">
              Save
            </button>
            <button
              type="button"
              className="btn btn-primary text-lg"
              disabled={working}
              onClick={() =>
                act(async () => {
                  const version = await save();
                  await rpcMutation("acceptance.signOff", { id: run.id, expectedVersion: version });
                  toast.success("SAT passed and signed off: the assets are in service.");
                })
              }
              data-testid="sat-sign-off"
            >
              Pass and sign off
            </button>
            <button type="button" className="btn btn-secondary text-lg text-red-800 ml-auto" disabled={working} onClick={() => setFailing("fail")} data-testid="sat-fail">
              Fail SAT…
            </button>
          </div>
        </div>
      )}
      {run.status === "FAILED" && canWrite && !failing && (
        <button type="button" className="btn btn-primary text-lg" onClick={() => setFailing("rerun")} data-testid="sat-rerun">
          Run again…
        </button>
      )}
      {failing && (
        <form
          className="card p-4 space-y-3"
          onSubmit={(e) => {
            e.preventDefault();
            void act(async () => {
              if (failing === "fail") {
                await rpcMutation("acceptance.fail", { id: run.id, reason });
                setFailing(null);
              } else {
                const next = await rpcMutation<{ id: string }>("acceptance.rerun", { id: run.id, reason });
                router.push(`/sat/${next.id}`);
              }
            });
          }}
        >
          <label className="block">
            <span className="block font-medium">{failing === "fail" ? "Why does the SAT fail?" : "Why is the SAT run again?"}</span>
            <input className="input text-lg" value={reason} onChange={(e) => setReason(e.target.value)} required minLength={3} data-testid="sat-reason" />
          </label>
          <div className="flex gap-2">
            <button className={`btn text-lg ${failing === "fail" ? "btn-danger" : "btn-primary"}`} disabled={working} data-testid="sat-reason-confirm">
              {failing === "fail" ? "Fail SAT" : "Start the new run"}
            </button>
            <button type="button" className="btn btn-secondary text-lg" onClick={() => setFailing(null)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
