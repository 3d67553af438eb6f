"use client";
/**
 * Burn-in's browser-side forms: start a soak for chosen servers or a whole location, and a running
 * soak's verdicts (pass, fail, abort, extend), each with a reason. After a save the Server Component
 * page is refreshed, so what the page shows is what the server has.
 */
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ErrorBox, Field, fieldError, OkBox } from "../ui/form";
import { useTRPC } from "../trpc";

type TOption = { id: string; label: string };

export function StartForm({ profiles, assets, locations, receipts, initialReceiptId }: { profiles: TOption[]; assets: { id: string; serial: string; model: string }[]; locations: TOption[]; receipts: TOption[]; initialReceiptId?: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [profileId, setProfileId] = useState(profiles[0]?.id ?? "");
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [locationId, setLocationId] = useState("");
  const [receiptId, setReceiptId] = useState(initialReceiptId ?? "");
  const [ok, setOk] = useState<string | null>(null);
  const start = useMutation(
    trpc.burnin.start.mutationOptions({
      onSuccess: (r) => {
        setOk(`Started ${r.runs.length} soak(s) (batch ${r.batchId}). Results tokens for the burn-in image: ${r.runs.map((x) => `${x.serial} ${x.token}`).join(" · ")}`);
        setChosen(new Set());
        setReceiptId("");
        router.refresh();
      },
    }),
  );
  if (profiles.length === 0) {
    return (
      <p className="card p-4 text-sm">
        No burn-in profile yet: write one under{" "}
        <a className="link" href="/burnin/profiles">
          Profiles
        </a>{" "}
        first.
      </p>
    );
  }
  const any = chosen.size > 0 || !!locationId || !!receiptId;
  return (
    <form
      className="card p-4 space-y-3"
      data-testid="burnin-start"
      onSubmit={(e) => {
        e.preventDefault();
        setOk(null);
        start.mutate({ profileId, assetIds: chosen.size ? [...chosen] : undefined, locationId: locationId || undefined, receiptId: receiptId || undefined });
      }}
    >
      <h2 className="text-lg font-semibold">Start a soak</h2>
      <div className="grid gap-3 md:grid-cols-2">
        <Field label="Profile" error={fieldError(start.error, "profileId")}>
          <select className="input" value={profileId} onChange={(e) => setProfileId(e.target.value)} data-testid="burnin-profile">
            {profiles.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Or every received server in" hint="a rack, a room or a site">
          <select className="input" value={locationId} onChange={(e) => setLocationId(e.target.value)} data-testid="burnin-location">
            <option value="">(the servers ticked below)</option>
            {locations.map((l) => (
              <option key={l.id} value={l.id}>
                {l.label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Or the servers a receipt brought in" hint="those still Received" error={fieldError(start.error, "receiptId")}>
          <select className="input" value={receiptId} onChange={(e) => setReceiptId(e.target.value)} data-testid="burnin-receipt">
            <option value="">(no receipt)</option>
            {receipts.map((x) => (
              <option key={x.id} value={x.id}>
                {x.label}
              </option>
            ))}
          </select>
        </Field>
      </div>
      {assets.length > 0 && (
        <fieldset className="grid gap-1 sm:grid-cols-2 lg:grid-cols-3" data-testid="burnin-assets">
          <legend className="text-sm text-slate-700 mb-1">Received servers</legend>
          {assets.map((a) => (
            <label key={a.id} className="flex items-center gap-2 min-h-11">
              <input
                type="checkbox"
                className="h-5 w-5"
                checked={chosen.has(a.id)}
                onChange={(e) => {
                  const next = new Set(chosen);
                  if (e.target.checked) next.add(a.id);
                  else next.delete(a.id);
                  setChosen(next);
                }}
              />
              <span className="font-mono">{a.serial}</span> <span className="text-sm text-slate-600">{a.model}</span>
            </label>
          ))}
        </fieldset>
      )}
      {start.error && <ErrorBox error={start.error} />}
      {ok && <OkBox>{ok}</OkBox>}
      <button className="btn btn-primary min-h-11" disabled={start.isPending || !any} data-testid="burnin-start-button">
        {start.isPending ? "Starting…" : `Start ${[chosen.size ? `${chosen.size} soak(s)` : "", locationId ? "the location's soaks" : "", receiptId ? "the receipt's soaks" : ""].filter(Boolean).join(" + ")}`}
      </button>
    </form>
  );
}

export function RunActions({ runId }: { runId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [reason, setReason] = useState("");
  const done = { onSuccess: () => router.refresh() };
  const decide = useMutation(trpc.burnin.decide.mutationOptions(done));
  const abort = useMutation(trpc.burnin.abort.mutationOptions(done));
  const extend = useMutation(trpc.burnin.extend.mutationOptions(done));
  const error = decide.error ?? abort.error ?? extend.error;
  const busy = decide.isPending || abort.isPending || extend.isPending;
  return (
    <section className="card p-4 space-y-3" data-testid="burnin-actions">
      <h2 className="font-semibold">Verdict</h2>
      <Field label="Reason (required, kept in the audit log)" error={fieldError(error, "reason")}>
        <input className="input" value={reason} onChange={(e) => setReason(e.target.value)} data-testid="burnin-reason" />
      </Field>
      {error && <ErrorBox error={error} />}
      <div className="flex flex-wrap gap-2">
        <button className="btn btn-primary min-h-11" disabled={busy} onClick={() => decide.mutate({ runId, outcome: "PASSED", reason })} data-testid="burnin-pass">
          Pass
        </button>
        <button className="btn btn-danger min-h-11" disabled={busy} onClick={() => decide.mutate({ runId, outcome: "FAILED", reason })} data-testid="burnin-fail">
          Fail
        </button>
        <button className="btn btn-secondary min-h-11" disabled={busy} onClick={() => abort.mutate({ runId, reason })} data-testid="burnin-abort">
          Abort
        </button>
        <button className="btn btn-secondary min-h-11" disabled={busy} onClick={() => extend.mutate({ runId, hours: 12, reason })} data-testid="burnin-extend">
          Extend 12 h
        </button>
      </div>
    </section>
  );
}
