"use client";
/**
 * The status moves the server allows this user on this asset
 * (`allowedTransitions`, computed on the server), each behind the one
 * confirmation dialog with an optional reason. After a move the page is
 * rendered again on the server, so status and timeline are what the server has.
 */
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { STATUS_META, type TAssetStatus } from "@/server/domains/assets/status";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { useToast } from "../ui/toast";
import { errorInfo, useTRPC } from "../trpc";

export function TransitionActions({ assetId, label, status, version, allowed }: { assetId: string; label: string; status: TAssetStatus; version: number; allowed: TAssetStatus[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const toast = useToast();
  const [pending, setPending] = useState<TAssetStatus | null>(null);
  const [reason, setReason] = useState("");
  const [refreshing, startRefresh] = useTransition();
  const move = useMutation(
    trpc.assets.transition.mutationOptions({
      onSuccess: (_r, v) => {
        setPending(null);
        setReason("");
        toast.success(`${label} moved to ${STATUS_META[v.to].label}.`);
        startRefresh(() => router.refresh());
      },
      // the asset may have changed meanwhile: show what the server has now
      onError: () => startRefresh(() => router.refresh()),
    }),
  );
  const busy = move.isPending || refreshing;

  return (
    <div className="space-y-2">
      <h2 className="text-lg font-semibold">Actions</h2>
      {allowed.length === 0 && <p className="text-slate-600">Your role has no status change to make here.</p>}
      <div className="flex flex-wrap gap-2">
        {allowed.map((to) => (
          <button
            key={to}
            type="button"
            className={`btn ${to === "FAILED" || to === "QUARANTINE" ? "btn-secondary text-red-800" : "btn-primary"}`}
            disabled={busy}
            onClick={() => {
              move.reset();
              setPending(to);
            }}
            data-testid={`transition-${to}`}
          >
            {status === "QUARANTINE" ? `Release to ${STATUS_META[to].label}` : `→ ${STATUS_META[to].label}`}
          </button>
        ))}
      </div>
      {move.isError && !pending && <p role="alert" className="rounded-lg bg-red-50 border border-red-200 text-red-800 px-3 py-2">{errorInfo(move.error).message}</p>}
      {pending && (
        <ConfirmDialog
          title={`Move ${label} from ${STATUS_META[status].label} to ${STATUS_META[pending].label}?`}
          tone={pending === "FAILED" || pending === "QUARANTINE" ? "danger" : "primary"}
          confirmLabel="Confirm"
          pending={move.isPending}
          error={move.error}
          testId="confirm-transition"
          onCancel={() => setPending(null)}
          onConfirm={() => move.mutate({ assetId, to: pending, expectedVersion: version, reason: reason.trim() || undefined })}
          body={
            <label className="block space-y-1">
              <span className="text-slate-700">Reason or note (optional)</span>
              <input className="input" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} data-testid="transition-reason" />
            </label>
          }
        />
      )}
    </div>
  );
}
