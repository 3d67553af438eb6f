"use client";
/**
 * Admin → Jobs: the durable job queue. Queued (with when they are due),
 * running (with their worker, lease and progress), failed (with the error and
 * a retry button), done and cancelled. Admins only; the server enforces that
 * too (jobs.* is ADMIN_ONLY). Refreshes every few seconds.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { ErrorBox, fmtDate, OkBox } from "../../../_components/ui/form";
import { ConfirmDialog } from "../../../_components/ui/confirm-dialog";
import { useTRPC } from "../../../_components/trpc";

const STATUSES = [
  { id: "", label: "All" },
  { id: "QUEUED", label: "Queued" },
  { id: "RUNNING", label: "Running" },
  { id: "FAILED", label: "Failed" },
  { id: "SUCCEEDED", label: "Done" },
  { id: "CANCELLED", label: "Cancelled" },
] as const;
type TStatusFilter = (typeof STATUSES)[number]["id"];
type TJobStatus = Exclude<TStatusFilter, "">;

const BADGE: Record<TJobStatus, string> = {
  QUEUED: "bg-slate-100 text-slate-800",
  RUNNING: "bg-blue-100 text-blue-900",
  SUCCEEDED: "bg-green-100 text-green-900",
  FAILED: "bg-red-100 text-red-900",
  CANCELLED: "bg-slate-200 text-slate-700",
};
const PAGE_SIZE = 50;

export default function JobsPage() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { retry: false, staleTime: 60_000 }));
  const [status, setStatus] = useState<TStatusFilter>("");
  const [kind, setKind] = useState("");
  const [page, setPage] = useState(1);
  const isAdmin = me.data?.can.administer === true;
  const jobs = useQuery({
    ...trpc.jobs.list.queryOptions({ status: status || undefined, kind: kind || undefined, page, pageSize: PAGE_SIZE }),
    enabled: isAdmin,
    refetchInterval: 3000,
    placeholderData: keepPreviousData,
  });
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.jobs.list.queryKey() });
  const [done, setDone] = useState<string | null>(null);
  const retry = useMutation(trpc.jobs.retry.mutationOptions({ onSuccess: async (j) => { setDone(`The ${j.kind} job is queued again.`); await refresh(); } }));
  const runNow = useMutation(trpc.jobs.runNow.mutationOptions({ onSuccess: async (j) => { setDone(`The ${j.kind} job is due now; a worker picks it up within seconds.`); await refresh(); } }));
  const [cancelling, setCancelling] = useState<{ id: string; kind: string } | null>(null);
  const cancel = useMutation(trpc.jobs.cancel.mutationOptions({ onSuccess: async (j) => { setCancelling(null); setDone(`The ${j.kind} job was cancelled.`); await refresh(); } }));

  if (!me.data) return <p className="text-slate-600">Loading…</p>;
  if (!isAdmin) {
    return (
      <div className="card p-6 max-w-xl space-y-2" data-testid="admin-forbidden">
        <h1 className="text-2xl font-semibold">Jobs</h1>
        <p>Only administrators can see and retry background jobs.</p>
      </div>
    );
  }
  const data = jobs.data;
  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE_SIZE)) : 1;
  const now = Date.now();
  const mutationError = retry.error ?? runNow.error;

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-baseline gap-3">
        <h1 className="text-2xl font-semibold">Jobs</h1>
        <Link href="/admin" className="text-blue-800 underline">Back to Administration</Link>
      </div>
      <p className="text-slate-600 max-w-3xl">
        Background work kept in the database and run by the workers: deadlines, schedules and long tasks. A failed job shows its error; retry it once the cause is fixed.
      </p>

      <div role="tablist" aria-label="Job status" className="flex flex-wrap gap-2 border-b border-slate-200 pb-2">
        {STATUSES.map((s) => {
          const n = s.id ? data?.counts[s.id] : data ? Object.values(data.counts).reduce((a, b) => a + b, 0) : undefined;
          return (
            <button key={s.id || "all"} type="button" role="tab" aria-selected={status === s.id} className={`btn ${status === s.id ? "btn-primary" : "btn-secondary"}`} onClick={() => { setStatus(s.id); setPage(1); }} data-testid={`jobs-tab-${s.id || "all"}`}>
              {s.label}{n !== undefined ? ` (${n})` : ""}
            </button>
          );
        })}
        <label className="ml-auto flex items-center gap-2">
          <span className="text-sm text-slate-700">Kind</span>
          <select className="input w-56" value={kind} onChange={(e) => { setKind(e.target.value); setPage(1); }} data-testid="jobs-kind">
            <option value="">All kinds</option>
            {data?.kinds.map((k) => <option key={k} value={k}>{k}</option>)}
          </select>
        </label>
      </div>

      {jobs.isError && <ErrorBox error={jobs.error} />}
      {mutationError && <ErrorBox error={mutationError} />}
      {done && <OkBox>{done}</OkBox>}

      <section className="card p-4 overflow-x-auto">
        <table className="w-full text-left text-sm" data-testid="job-rows">
          <thead className="bg-slate-100 text-slate-700">
            <tr>
              {["Kind", "Status", "When", "Progress", "Error / result", ""].map((h) => (
                <th key={h} className="px-3 py-2 font-medium whitespace-nowrap">{h}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data?.rows.length === 0 && (
              <tr><td colSpan={6} className="px-3 py-6 text-center text-slate-600">No jobs{status ? " with this status" : ""}.</td></tr>
            )}
            {data?.rows.map((j) => {
              const leaseLapsed = j.status === "RUNNING" && j.lockedUntil && j.lockedUntil.getTime() < now;
              const pct = j.progressTotal ? Math.min(100, Math.round(((j.progressDone ?? 0) / j.progressTotal) * 100)) : null;
              return (
                <tr key={j.id} className="border-t border-slate-100 align-top" data-testid={`job-${j.id}`}>
                  <td className="px-3 py-2 break-all">
                    <div className="font-mono">{j.kind}</div>
                    <div className="text-xs text-slate-600 font-mono" title={j.payload}>{j.dedupeKey ? `key ${j.dedupeKey}` : j.id.slice(0, 8)}</div>
                  </td>
                  <td className="px-3 py-2">
                    <span className={`rounded px-2 py-0.5 font-medium ${BADGE[j.status]}`} data-testid="job-status">{STATUSES.find((s) => s.id === j.status)?.label ?? j.status}</span>
                    <div className="text-xs text-slate-700 mt-1">{j.attempts === 0 ? `up to ${j.maxAttempts} attempts` : `attempt ${j.attempts} of ${j.maxAttempts}`}</div>
                    {leaseLapsed && <div className="text-xs text-amber-800 mt-1">worker stopped answering; runs again soon</div>}
                  </td>
                  <td className="px-3 py-2">
                    {j.status === "QUEUED" ? <>due {fmtDate(j.runAt)}{j.attempts > 0 ? <div className="text-xs text-slate-600">retry after a failure</div> : null}</> : <>{fmtDate(j.startedAt)}{j.finishedAt ? <div className="text-xs text-slate-600">ended {fmtDate(j.finishedAt)}</div> : null}</>}
                    {j.lockedBy && <div className="text-xs text-slate-600 font-mono break-all" title="worker">{j.lockedBy}</div>}
                  </td>
                  <td className="px-3 py-2 min-w-32">
                    {pct !== null ? (
                      <div>
                        <div className="h-2 w-32 rounded bg-slate-200" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label={`Progress of ${j.kind}`}>
                          <div className="h-2 rounded bg-blue-700" style={{ width: `${pct}%` }} />
                        </div>
                        <div className="text-xs text-slate-700">{j.progressDone} / {j.progressTotal}{j.progressNote ? ` · ${j.progressNote}` : ""}</div>
                      </div>
                    ) : j.progressNote ? <span className="text-xs">{j.progressNote}</span> : "—"}
                  </td>
                  <td className="px-3 py-2 max-w-md">
                    {j.lastError && j.status !== "SUCCEEDED" ? <div className={j.status === "FAILED" ? "text-red-900" : "text-slate-700"} data-testid="job-error">{j.lastError}</div> : null}
                    {j.status === "SUCCEEDED" && j.result ? <div className="text-slate-700">{j.result}</div> : null}
                  </td>
                  <td className="px-3 py-2">
                    <div className="flex gap-2">
                      {(j.status === "FAILED" || j.status === "CANCELLED") && (
                        <button type="button" className="btn btn-secondary" disabled={retry.isPending} onClick={() => { setDone(null); retry.mutate({ id: j.id }); }} data-testid="job-retry">Retry</button>
                      )}
                      {j.status === "QUEUED" && (
                        <>
                          <button type="button" className="btn btn-secondary" disabled={runNow.isPending} onClick={() => { setDone(null); runNow.mutate({ id: j.id }); }}>Run now</button>
                          <button type="button" className="btn btn-secondary text-red-800" onClick={() => { cancel.reset(); setCancelling({ id: j.id, kind: j.kind }); }}>Cancel</button>
                        </>
                      )}
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <div className="flex items-center justify-between pt-3">
          <span className="text-sm text-slate-700">{data ? `${data.total} job${data.total === 1 ? "" : "s"} · page ${page} of ${pages}` : "Loading…"}</span>
          <div className="flex gap-2">
            <button type="button" className="btn btn-secondary" disabled={page <= 1} onClick={() => setPage((p) => p - 1)}>Previous</button>
            <button type="button" className="btn btn-secondary" disabled={page >= pages} onClick={() => setPage((p) => p + 1)}>Next</button>
          </div>
        </div>
      </section>

      {cancelling && (
        <ConfirmDialog
          title={`Cancel the ${cancelling.kind} job?`}
          body={<p>It will not run. A recurring job gets its next occurrence from the workers within a minute.</p>}
          confirmLabel="Cancel job"
          pending={cancel.isPending}
          error={cancel.error}
          onConfirm={() => cancel.mutate({ id: cancelling.id })}
          onCancel={() => setCancelling(null)}
        />
      )}
    </div>
  );
}
