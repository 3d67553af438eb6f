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
import { ErrorBox, OkBox } from "../../../_components/ui/form";
import { ConfirmDialog } from "../../../_components/ui/confirm-dialog";
import { useTRPC } from "../../../_components/trpc";
import { DataTable } from "../../../_components/ui/data-table";
import type { ColumnDef } from "@tanstack/react-table";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/router";
import { fmtTime } from "../../../_components/ui/format";

type TJob = inferRouterOutputs<AppRouter>["jobs"]["list"]["rows"][number];

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
  const columns: ColumnDef<TJob, unknown>[] = [
    {
      id: "kind",
      header: "Kind",
      meta: { className: "px-3 py-2 break-all" },
      cell: ({ row: { original: j } }) => (
        <>
          <div className="font-mono">{j.kind}</div>
          <div className="text-xs text-slate-600 font-mono" title={j.payload}>{j.dedupeKey ? `key ${j.dedupeKey}` : j.id.slice(0, 8)}</div>
        </>
      ),
    },
    {
      id: "status",
      header: "Status",
      meta: { className: "px-3 py-2" },
      cell: ({ row: { original: j } }) => {
        const leaseLapsed = j.status === "RUNNING" && j.lockedUntil && j.lockedUntil.getTime() < now;
        return (
          <>
            <span className={`rounded px-2 py-0.5 font-medium ${BADGE[j.status]}`} data-testid="job-status">{STATUSES.find((s) => s.id === j.status)?.label ?? j.status}</span>
            <div className="text-xs text-slate-700 mt-1">{j.attempts === 0 ? `up to ${j.maxAttempts} attempts` : `attempt ${j.attempts} of ${j.maxAttempts}`}</div>
            {leaseLapsed && <div className="text-xs text-amber-800 mt-1">worker stopped answering; runs again soon</div>}
          </>
        );
      },
    },
    {
      id: "when",
      header: "When",
      meta: { className: "px-3 py-2" },
      cell: ({ row: { original: j } }) => (
        <>
          {j.status === "QUEUED" ? <>due {fmtTime(j.runAt)}{j.attempts > 0 ? <div className="text-xs text-slate-600">retry after a failure</div> : null}</> : <>{fmtTime(j.startedAt)}{j.finishedAt ? <div className="text-xs text-slate-600">ended {fmtTime(j.finishedAt)}</div> : null}</>}
          {j.lockedBy && <div className="text-xs text-slate-600 font-mono break-all" title="worker">{j.lockedBy}</div>}
        </>
      ),
    },
    {
      id: "progress",
      header: "Progress",
      meta: { className: "px-3 py-2 min-w-32" },
      cell: ({ row: { original: j } }) => {
        const pct = j.progressTotal ? Math.min(100, Math.round(((j.progressDone ?? 0) / j.progressTotal) * 100)) : null;
        return pct !== null ? (
          <div>
            <div className="h-2 w-32 rounded bg-slate-200" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label={`Progress of ${j.kind}`}>
              <div className="h-2 rounded bg-blue-700" style={{ width: `${pct}%` }} />
            </div>
            <div className="text-xs text-slate-700">{j.progressDone} / {j.progressTotal}{j.progressNote ? ` · ${j.progressNote}` : ""}</div>
          </div>
        ) : j.progressNote ? <span className="text-xs">{j.progressNote}</span> : "—";
      },
    },
    {
      id: "error",
      header: "Error / result",
      meta: { className: "px-3 py-2 max-w-md" },
      cell: ({ row: { original: j } }) => (
        <>
          {j.lastError && j.status !== "SUCCEEDED" ? <div className={j.status === "FAILED" ? "text-red-900" : "text-slate-700"} data-testid="job-error">{j.lastError}</div> : null}
          {j.status === "SUCCEEDED" && j.result ? <div className="text-slate-700">{j.result}</div> : null}
        </>
      ),
    },
    {
      id: "actions",
      header: () => <span className="sr-only">Actions</span>,
      meta: { className: "px-3 py-2" },
      cell: ({ row: { original: j } }) => (
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
      ),
    },
  ];

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

      <section>
        {/* server paging (jobs.list takes page and pageSize); the page lives in this page's state, so the 3 s refresh keeps it */}
        <DataTable<TJob>
          columns={columns}
          rows={data?.rows ?? []}
          rowKey={(j) => j.id}
          testId="job-rows"
          noun={["job", "jobs"]}
          empty={data ? `No jobs${status ? " with this status" : ""}.` : "Loading…"}
          caption="Jobs"
          pageInfo={{ total: data?.total ?? 0, page, pages }}
          onPage={setPage}
          rowProps={(j) => ({ className: "align-top text-sm", "data-testid": `job-${j.id}` })}
        />
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
