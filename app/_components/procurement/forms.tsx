"use client";
/**
 * Procurement's browser-side forms: a vendor with SLA terms, an RFQ, a quote round by hand or by CSV,
 * the award (whole or split), and a PO's issue / cancel. After a save the Server Component page is
 * refreshed, so what the page shows is what the server has.
 */
import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { ErrorBox, errorDetails, Field, fieldError, OkBox } from "../ui/form";
import { useTRPC } from "../trpc";
import { money } from "./format";
import { PARAM_FIELDS, ParamInputs, paramOverrides, type TParamKey } from "./editors";

// ------------------------------------------------------------------ vendor

export function VendorForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const [f, setF] = useState({ name: "", contactName: "", contactEmail: "", leadTimeSlaDays: "30", rmaSlaDays: "5", supportResponseHours: "24", warrantyYears: "3" });
  const [ok, setOk] = useState<string | null>(null);
  const create = useMutation(
    trpc.procurement.createVendor.mutationOptions({
      onSuccess: (v) => {
        setOk(`Added ${v.name}.`);
        setF((x) => ({ ...x, name: "", contactName: "", contactEmail: "" }));
        router.refresh();
      },
    }),
  );
  const set = (k: keyof typeof f) => (e: React.ChangeEvent<HTMLInputElement>) => setF({ ...f, [k]: e.target.value });
  return (
    <form
      className="card p-4 grid gap-3 md:grid-cols-4"
      onSubmit={(e) => {
        e.preventDefault();
        setOk(null);
        create.mutate({
          name: f.name,
          leadTimeSlaDays: Number(f.leadTimeSlaDays),
          rmaSlaDays: Number(f.rmaSlaDays),
          supportResponseHours: Number(f.supportResponseHours),
          warrantyYears: Number(f.warrantyYears),
          contacts: f.contactName ? [{ name: f.contactName, email: f.contactEmail || undefined }] : [],
        });
      }}
    >
      <h2 className="md:col-span-4 text-lg font-semibold">Add a vendor</h2>
      <Field label="Name" error={fieldError(create.error, "name")}>
        <input className="input" value={f.name} onChange={set("name")} data-testid="vendor-name" />
      </Field>
      <Field label="Contact name">
        <input className="input" value={f.contactName} onChange={set("contactName")} />
      </Field>
      <Field label="Contact e-mail" error={fieldError(create.error, "contacts.0.email")}>
        <input className="input" type="email" value={f.contactEmail} onChange={set("contactEmail")} />
      </Field>
      <Field label="Committed lead time (days)" error={fieldError(create.error, "leadTimeSlaDays")}>
        <input className="input" inputMode="numeric" value={f.leadTimeSlaDays} onChange={set("leadTimeSlaDays")} data-testid="vendor-lead" />
      </Field>
      <Field label="RMA turnaround (days)">
        <input className="input" inputMode="numeric" value={f.rmaSlaDays} onChange={set("rmaSlaDays")} />
      </Field>
      <Field label="Support response (hours)">
        <input className="input" inputMode="numeric" value={f.supportResponseHours} onChange={set("supportResponseHours")} />
      </Field>
      <Field label="Warranty (years)">
        <input className="input" inputMode="numeric" value={f.warrantyYears} onChange={set("warrantyYears")} />
      </Field>
      <div className="flex items-end">
        <button className="btn btn-primary" disabled={create.isPending} data-testid="vendor-save">
          Add vendor
        </button>
      </div>
      <div className="md:col-span-4">
        <ErrorBox error={create.error} />
        {ok && <OkBox>{ok}</OkBox>}
      </div>
    </form>
  );
}

// ------------------------------------------------------------------ RFQ

type TLine = { modelId: string; spec: string; quantity: string; budget: string };

export function RfqForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const models = useQuery(trpc.procurement.models.queryOptions());
  const vendors = useQuery(trpc.procurement.vendors.queryOptions());
  const sites = useQuery(trpc.locations.list.queryOptions({ kind: "SITE" }));
  const [f, setF] = useState({ title: "", currency: "EUR", horizonYears: "5", needBy: "", siteId: "" });
  const [lines, setLines] = useState<TLine[]>([{ modelId: "", spec: "", quantity: "1", budget: "" }]);
  const [invited, setInvited] = useState<string[]>([]);
  const settings = useQuery(trpc.procurement.settings.queryOptions());
  const [params, setParams] = useState(Object.fromEntries(PARAM_FIELDS.map(([k]) => [k, ""])) as Record<TParamKey, string>);
  const create = useMutation(trpc.procurement.createRfq.mutationOptions({ onSuccess: (r) => router.push(`/procurement/rfqs/${r.id}`) }));
  const setLine = (i: number, patch: Partial<TLine>) => setLines(lines.map((l, j) => (j === i ? { ...l, ...patch } : l)));
  return (
    <form
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate({
          title: f.title,
          currency: f.currency,
          horizonYears: Number(f.horizonYears),
          needBy: f.needBy || undefined,
          siteId: f.siteId || undefined,
          lines: lines.map((l) => ({ modelId: l.modelId || undefined, spec: l.modelId ? undefined : l.spec || undefined, quantity: Number(l.quantity), budgetUnitPrice: l.budget ? Number(l.budget) : undefined })),
          vendorIds: invited,
          params: paramOverrides(params),
        });
      }}
    >
      <div className="card p-4 grid gap-3 md:grid-cols-5">
        <Field label="Title" error={fieldError(create.error, "title")} className="md:col-span-2">
          <input className="input" value={f.title} onChange={(e) => setF({ ...f, title: e.target.value })} data-testid="rfq-title" />
        </Field>
        <Field label="Currency (ISO 4217)" error={fieldError(create.error, "currency")}>
          <input className="input" value={f.currency} onChange={(e) => setF({ ...f, currency: e.target.value })} data-testid="rfq-currency" />
        </Field>
        <Field label="Horizon (years)" error={fieldError(create.error, "horizonYears")}>
          <input className="input" inputMode="numeric" value={f.horizonYears} onChange={(e) => setF({ ...f, horizonYears: e.target.value })} />
        </Field>
        <Field label="Need by">
          <input className="input" type="date" value={f.needBy} onChange={(e) => setF({ ...f, needBy: e.target.value })} />
        </Field>
        <Field label="Destination site" error={fieldError(create.error, "siteId")}>
          <select className="input" value={f.siteId} onChange={(e) => setF({ ...f, siteId: e.target.value })} data-testid="rfq-site">
            <option value="">—</option>
            {(sites.data ?? []).map((s) => (
              <option key={s.id} value={s.id}>
                {s.path}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <fieldset className="card p-4 space-y-2">
        <legend className="font-semibold px-1">Lines</legend>
        {lines.map((l, i) => (
          <div key={i} className="grid gap-2 md:grid-cols-4" data-testid="rfq-line">
            <Field label={`Line ${i + 1}: model`} error={fieldError(create.error, `lines.${i}.modelId`)}>
              <select className="input" value={l.modelId} onChange={(e) => setLine(i, { modelId: e.target.value })} data-testid={`rfq-line-model-${i}`}>
                <option value="">— free-text spec —</option>
                {(models.data?.items ?? []).map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.name} ({m.partNumber})
                  </option>
                ))}
              </select>
            </Field>
            <Field label="or spec">
              <input className="input" value={l.spec} disabled={!!l.modelId} onChange={(e) => setLine(i, { spec: e.target.value })} data-testid={`rfq-line-spec-${i}`} />
            </Field>
            <Field label="Quantity" error={fieldError(create.error, `lines.${i}.quantity`)}>
              <input className="input" inputMode="numeric" value={l.quantity} onChange={(e) => setLine(i, { quantity: e.target.value })} data-testid={`rfq-line-qty-${i}`} />
            </Field>
            <Field label="Budget unit price (optional)">
              <input className="input" inputMode="decimal" value={l.budget} onChange={(e) => setLine(i, { budget: e.target.value })} data-testid={`rfq-line-budget-${i}`} />
            </Field>
          </div>
        ))}
        <button type="button" className="btn btn-secondary" onClick={() => setLines([...lines, { modelId: "", spec: "", quantity: "1", budget: "" }])} data-testid="rfq-add-line">
          Add a line
        </button>
      </fieldset>
      {settings.data && (
        <details className="card p-4">
          <summary className="cursor-pointer min-h-11 flex items-center font-semibold">TCO parameters (optional: blank uses Setup&apos;s defaults)</summary>
          <div className="grid gap-3 md:grid-cols-3 mt-3">
            <ParamInputs values={params} defaults={settings.data} onChange={setParams} error={create.error} />
          </div>
        </details>
      )}
      <fieldset className="card p-4">
        <legend className="font-semibold px-1">Invite vendors</legend>
        <div className="flex flex-wrap gap-4">
          {(vendors.data?.items ?? []).map((v) => (
            <label key={v.id} className="inline-flex items-center gap-2 min-h-11">
              <input type="checkbox" className="h-5 w-5" checked={invited.includes(v.id)} onChange={(e) => setInvited(e.target.checked ? [...invited, v.id] : invited.filter((x) => x !== v.id))} data-testid="rfq-invite" />
              {v.name}
            </label>
          ))}
        </div>
      </fieldset>
      <ErrorBox error={create.error} />
      <button className="btn btn-primary" disabled={create.isPending} data-testid="rfq-save">
        Create RFQ
      </button>
    </form>
  );
}

// ------------------------------------------------------------------ quotes

type TRfqLine = { id: string; lineNo: number; label: string };
type TQuoteLinePayload = { rfqLineId: string; declined: true } | { rfqLineId: string; unitPrice: number; leadTimeDays: number; warrantyYears: number; supportPerYear: number; typicalWatts: number };
type TQLine = { declined: boolean; unitPrice: string; leadTimeDays: string; warrantyYears: string; supportPerYear: string; typicalWatts: string };

export function QuoteForm({ rfqId, currency, vendors, lines, nextRound }: { rfqId: string; currency: string; vendors: { vendorId: string; name: string }[]; lines: TRfqLine[]; nextRound: number }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [vendorId, setVendorId] = useState(vendors[0]?.vendorId ?? "");
  const [round, setRound] = useState(String(nextRound));
  const [declinedRound, setDeclinedRound] = useState(false);
  const empty: TQLine = { declined: false, unitPrice: "", leadTimeDays: "", warrantyYears: "3", supportPerYear: "", typicalWatts: "" };
  const [q, setQ] = useState<TQLine[]>(lines.map(() => ({ ...empty })));
  const [ok, setOk] = useState<string | null>(null);
  const submit = useMutation(
    trpc.procurement.submitQuote.mutationOptions({
      onSuccess: (r) => {
        setOk(`Saved round ${r.round} (${r.lineCount} lines).`);
        setQ(lines.map(() => ({ ...empty })));
        router.refresh();
      },
    }),
  );
  const set = (i: number, patch: Partial<TQLine>) => setQ(q.map((x, j) => (j === i ? { ...x, ...patch } : x)));
  return (
    <form
      className="card p-4 space-y-3"
      data-testid="quote-form"
      onSubmit={(e) => {
        e.preventDefault();
        setOk(null);
        submit.mutate({
          rfqId,
          vendorId,
          round: Number(round),
          declined: declinedRound,
          lines: declinedRound
            ? []
            : lines.flatMap((l, i): TQuoteLinePayload[] => {
                const x = q[i]!;
                if (x.declined) return [{ rfqLineId: l.id, declined: true as const }];
                if (!x.unitPrice) return [];
                return [{ rfqLineId: l.id, unitPrice: Number(x.unitPrice), leadTimeDays: Number(x.leadTimeDays), warrantyYears: Number(x.warrantyYears), supportPerYear: Number(x.supportPerYear || 0), typicalWatts: Number(x.typicalWatts || 0) }];
              }),
        });
      }}
    >
      <h2 className="text-lg font-semibold">Enter a quote ({currency})</h2>
      <div className="flex flex-wrap gap-3 items-end">
        <Field label="Vendor">
          <select className="input" value={vendorId} onChange={(e) => setVendorId(e.target.value)} data-testid="quote-vendor">
            {vendors.map((v) => (
              <option key={v.vendorId} value={v.vendorId}>
                {v.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Round" error={fieldError(submit.error, "round")}>
          <input className="input w-24" inputMode="numeric" value={round} onChange={(e) => setRound(e.target.value)} data-testid="quote-round" />
        </Field>
        <label className="inline-flex items-center gap-2 min-h-11">
          <input type="checkbox" className="h-5 w-5" checked={declinedRound} onChange={(e) => setDeclinedRound(e.target.checked)} /> The vendor declined this round
        </label>
      </div>
      {!declinedRound && (
        <table className="w-full text-left">
          <thead className="text-sm text-slate-700">
            <tr>
              <th className="p-1">Line</th>
              <th className="p-1">Declined</th>
              <th className="p-1">Unit price</th>
              <th className="p-1">Lead time (days)</th>
              <th className="p-1">Warranty (years)</th>
              <th className="p-1">Support / year</th>
              <th className="p-1">Typical W</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((l, i) => (
              <tr key={l.id}>
                <td className="p-1">
                  {l.lineNo}. {l.label}
                </td>
                <td className="p-1">
                  <input type="checkbox" className="h-5 w-5" checked={q[i]!.declined} onChange={(e) => set(i, { declined: e.target.checked })} aria-label={`Line ${l.lineNo} declined`} data-testid={`q-declined-${i}`} />
                </td>
                {(["unitPrice", "leadTimeDays", "warrantyYears", "supportPerYear", "typicalWatts"] as const).map((k) => (
                  <td key={k} className="p-1">
                    <input className="input" inputMode="decimal" disabled={q[i]!.declined} value={q[i]![k]} onChange={(e) => set(i, { [k]: e.target.value })} aria-label={`Line ${l.lineNo} ${k}`} data-testid={`q-${k}-${i}`} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ErrorBox error={submit.error} />
      {ok && <OkBox>{ok}</OkBox>}
      <button className="btn btn-primary" disabled={submit.isPending || !vendorId} data-testid="quote-save">
        Save quote
      </button>
    </form>
  );
}

export function CsvUpload({ rfqId, vendors, nextRound }: { rfqId: string; vendors: { vendorId: string; name: string }[]; nextRound: number }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [vendorId, setVendorId] = useState(vendors[0]?.vendorId ?? "");
  const [round, setRound] = useState(String(nextRound));
  const [csv, setCsv] = useState("");
  const [ok, setOk] = useState<string | null>(null);
  const upload = useMutation(
    trpc.procurement.importQuoteCsv.mutationOptions({
      onSuccess: (r) => {
        setOk(`Imported round ${r.round}: ${r.lineCount} lines.`);
        setCsv("");
        router.refresh();
      },
    }),
  );
  const problems = (errorDetails(upload.error)?.problems ?? []) as { line: number; message: string }[];
  return (
    <form
      className="card p-4 space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        setOk(null);
        upload.mutate({ rfqId, vendorId, round: Number(round), csv });
      }}
    >
      <h2 className="text-lg font-semibold">Import a quote from CSV</h2>
      <p className="text-sm text-slate-600">Columns: line, unitPrice, leadTimeDays, warrantyYears, supportPerYear, typicalWatts, nominalWatts, validUntil, declined, currency (see the README).</p>
      <div className="flex flex-wrap gap-3 items-end">
        <Field label="Vendor">
          <select className="input" value={vendorId} onChange={(e) => setVendorId(e.target.value)} data-testid="csv-vendor">
            {vendors.map((v) => (
              <option key={v.vendorId} value={v.vendorId}>
                {v.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Round">
          <input className="input w-24" inputMode="numeric" value={round} onChange={(e) => setRound(e.target.value)} data-testid="csv-round" />
        </Field>
        <Field label="CSV file">
          <input type="file" accept=".csv,text/csv" className="input" data-testid="csv-file" onChange={async (e) => setCsv((await e.target.files?.[0]?.text()) ?? "")} />
        </Field>
      </div>
      <ErrorBox error={upload.error}>
        {problems.length > 0 && (
          <ul className="list-disc ml-5" data-testid="csv-problems">
            {problems.map((p, i) => (
              <li key={i}>
                Line {p.line}: {p.message}
              </li>
            ))}
          </ul>
        )}
      </ErrorBox>
      {ok && <OkBox>{ok}</OkBox>}
      <button className="btn btn-primary" disabled={upload.isPending || !csv} data-testid="csv-upload">
        Import
      </button>
    </form>
  );
}

// ------------------------------------------------------------------ award

export function AwardForm({ rfqId, currency, vendors, lines }: { rfqId: string; currency: string; vendors: { vendorId: string; name: string }[]; lines: (TRfqLine & { quantity: number })[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [mode, setMode] = useState<"whole" | "split">("whole");
  const [vendorId, setVendorId] = useState(vendors[0]?.vendorId ?? "");
  const [split, setSplit] = useState<Record<string, Record<string, string>>>({});
  const [confirm, setConfirm] = useState(false);
  const award = useMutation(
    trpc.procurement.award.mutationOptions({
      onSuccess: () => router.refresh(),
    }),
  );
  const warnings = (errorDetails(award.error)?.warnings ?? []) as { quarter: string; budget: number; committed: number; award: number; over: number }[];
  const input = () =>
    mode === "whole"
      ? { rfqId, vendorId, confirmOverBudget: confirm }
      : {
          rfqId,
          confirmOverBudget: confirm,
          lines: lines.map((l) => ({ rfqLineId: l.id, splits: Object.entries(split[l.id] ?? {}).filter(([, q]) => Number(q) > 0).map(([v, q]) => ({ vendorId: v, quantity: Number(q) })) })).filter((l) => l.splits.length),
        };
  return (
    <form
      className="card p-4 space-y-3"
      data-testid="award-form"
      onSubmit={(e) => {
        e.preventDefault();
        award.mutate(input());
      }}
    >
      <h2 className="text-lg font-semibold">Award</h2>
      <div className="flex gap-4">
        <label className="inline-flex items-center gap-2 min-h-11">
          <input type="radio" checked={mode === "whole"} onChange={() => setMode("whole")} /> Whole RFQ to one vendor
        </label>
        <label className="inline-flex items-center gap-2 min-h-11">
          <input type="radio" checked={mode === "split"} onChange={() => setMode("split")} data-testid="award-split" /> Per line, split between vendors
        </label>
      </div>
      {mode === "whole" ? (
        <Field label="Vendor">
          <select className="input" value={vendorId} onChange={(e) => setVendorId(e.target.value)} data-testid="award-vendor">
            {vendors.map((v) => (
              <option key={v.vendorId} value={v.vendorId}>
                {v.name}
              </option>
            ))}
          </select>
        </Field>
      ) : (
        <table className="text-left">
          <thead>
            <tr>
              <th className="p-1">Line</th>
              {vendors.map((v) => (
                <th key={v.vendorId} className="p-1">
                  {v.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {lines.map((l, i) => (
              <tr key={l.id}>
                <td className="p-1">
                  {l.lineNo}. {l.label} (× {l.quantity})
                </td>
                {vendors.map((v, j) => (
                  <td key={v.vendorId} className="p-1">
                    <input className="input w-24" inputMode="numeric" aria-label={`Line ${l.lineNo} quantity for ${v.name}`} data-testid={`split-${i}-${j}`} value={split[l.id]?.[v.vendorId] ?? ""} onChange={(e) => setSplit({ ...split, [l.id]: { ...split[l.id], [v.vendorId]: e.target.value } })} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ErrorBox error={award.error}>
        {warnings.map((w, i) => (
          <p key={i} data-testid="budget-warning">
            {w.quarter}: budget {money(w.budget, currency)}, committed {money(w.committed, currency)}, this award {money(w.award, currency)}, over by {money(w.over, currency)}.
          </p>
        ))}
      </ErrorBox>
      {warnings.length > 0 && (
        <label className="inline-flex items-center gap-2 min-h-11">
          <input type="checkbox" className="h-5 w-5" checked={confirm} onChange={(e) => setConfirm(e.target.checked)} data-testid="award-confirm" /> Award anyway (over budget)
        </label>
      )}
      <button className="btn btn-primary" disabled={award.isPending} data-testid="award-save">
        Award
      </button>
    </form>
  );
}

// ------------------------------------------------------------------ purchase order

export function PoActions({ id, number, status }: { id: string; number: string; status: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [asking, setAsking] = useState<"issue" | "cancel" | "close" | null>(null);
  const done = { onSuccess: () => { setAsking(null); router.refresh(); } };
  const issue = useMutation(trpc.procurement.issue.mutationOptions(done));
  const cancel = useMutation(trpc.procurement.cancel.mutationOptions(done));
  const close = useMutation(trpc.procurement.close.mutationOptions(done));
  return (
    <div className="flex gap-3">
      {status === "RECEIVED" && (
        <button className="btn btn-primary" onClick={() => setAsking("close")} data-testid="po-close">
          Close PO
        </button>
      )}
      {asking === "close" && (
        <ConfirmDialog title={`Close ${number}?`} body="Everything was received; a closed PO takes no further changes." confirmLabel="Close PO" tone="primary" pending={close.isPending} error={close.error} onConfirm={() => close.mutate({ id })} onCancel={() => setAsking(null)} />
      )}
      {status === "DRAFT" && (
        <button className="btn btn-primary" onClick={() => setAsking("issue")} data-testid="po-issue">
          Issue
        </button>
      )}
      {(status === "DRAFT" || status === "ISSUED") && (
        <button className="btn btn-danger" onClick={() => setAsking("cancel")} data-testid="po-cancel">
          Cancel PO
        </button>
      )}
      {asking === "issue" && (
        <ConfirmDialog title={`Issue ${number}?`} body="Its assets are created as Ordered, and the lead time starts today." confirmLabel="Issue" tone="primary" pending={issue.isPending} error={issue.error} onConfirm={() => issue.mutate({ id })} onCancel={() => setAsking(null)} />
      )}
      {asking === "cancel" && <ConfirmDialog title={`Cancel ${number}?`} body="Its ordered assets are written off as never delivered." confirmLabel="Cancel PO" pending={cancel.isPending} error={cancel.error} onConfirm={() => cancel.mutate({ id })} onCancel={() => setAsking(null)} />}
    </div>
  );
}

// ------------------------------------------------------------------ Setup: TCO defaults, CapEx budget

type TSettingsForm = Record<"pue" | "tariffPerKwh" | "afr" | "costPerFailure" | "costPerUMonth" | "discountRate" | "weightTco" | "weightLeadTime" | "weightSla", string>;
const SETTING_LABELS: Record<keyof TSettingsForm, string> = {
  pue: "PUE",
  tariffPerKwh: "Tariff per kWh",
  afr: "Annual failure rate (0.02 = 2 %)",
  costPerFailure: "Cost per failure",
  costPerUMonth: "Cost per U-month",
  discountRate: "Discount rate (0 = undiscounted)",
  weightTco: "Score weight: TCO",
  weightLeadTime: "Score weight: lead time",
  weightSla: "Score weight: SLA record",
};

export function SettingsForm({ initial }: { initial: Record<keyof TSettingsForm, number> }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [f, setF] = useState<TSettingsForm>(Object.fromEntries(Object.entries(initial).map(([k, v]) => [k, String(v)])) as TSettingsForm);
  const [ok, setOk] = useState(false);
  const save = useMutation(trpc.procurement.updateSettings.mutationOptions({ onSuccess: () => { setOk(true); router.refresh(); } }));
  return (
    <form
      className="card p-4 grid gap-3 md:grid-cols-3"
      onSubmit={(e) => {
        e.preventDefault();
        setOk(false);
        save.mutate(Object.fromEntries(Object.entries(f).map(([k, v]) => [k, Number(v)])) as Record<keyof TSettingsForm, number>);
      }}
    >
      <h2 className="md:col-span-3 text-lg font-semibold">TCO defaults (each RFQ may override them)</h2>
      {(Object.keys(SETTING_LABELS) as (keyof TSettingsForm)[]).map((k) => (
        <Field key={k} label={SETTING_LABELS[k]} error={fieldError(save.error, k)}>
          <input className="input" inputMode="decimal" value={f[k]} onChange={(e) => setF({ ...f, [k]: e.target.value })} data-testid={`setting-${k}`} />
        </Field>
      ))}
      <div className="md:col-span-3 space-y-2">
        <ErrorBox error={save.error} />
        {ok && <OkBox>Saved.</OkBox>}
        <button className="btn btn-primary" disabled={save.isPending} data-testid="settings-save">
          Save defaults
        </button>
      </div>
    </form>
  );
}

export function BudgetForm({ sites }: { sites: { id: string; path: string }[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [f, setF] = useState({ siteId: sites[0]?.id ?? "", quarter: "", currency: "EUR", amount: "" });
  const save = useMutation(trpc.procurement.setBudget.mutationOptions({ onSuccess: () => router.refresh() }));
  return (
    <form
      className="card p-4 flex flex-wrap gap-3 items-end"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({ siteId: f.siteId, quarter: f.quarter, currency: f.currency, amount: Number(f.amount) });
      }}
    >
      <Field label="Site">
        <select className="input" value={f.siteId} onChange={(e) => setF({ ...f, siteId: e.target.value })}>
          {sites.map((s) => (
            <option key={s.id} value={s.id}>
              {s.path}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Quarter (2026-Q3)" error={fieldError(save.error, "quarter")}>
        <input className="input" value={f.quarter} onChange={(e) => setF({ ...f, quarter: e.target.value })} data-testid="budget-quarter" />
      </Field>
      <Field label="Currency" error={fieldError(save.error, "currency")}>
        <input className="input w-24" value={f.currency} onChange={(e) => setF({ ...f, currency: e.target.value })} />
      </Field>
      <Field label="Budget" error={fieldError(save.error, "amount")}>
        <input className="input" inputMode="decimal" value={f.amount} onChange={(e) => setF({ ...f, amount: e.target.value })} data-testid="budget-amount" />
      </Field>
      <button className="btn btn-primary" disabled={save.isPending} data-testid="budget-save">
        Set budget
      </button>
      <ErrorBox error={save.error} />
    </form>
  );
}
