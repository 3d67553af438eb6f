"use client";
/**
 * Procurement's edit forms for what exists already: a vendor's SLA terms and contacts, list prices
 * per vendor and model, an open RFQ's TCO parameters and its invited vendors. Each save refreshes the
 * Server Component page (what it shows is what the server has) and says so in a toast.
 */
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ErrorBox, Field, fieldError } from "../ui/form";
import { useToast } from "../ui/toast";
import { useTRPC } from "../trpc";
import { money } from "./format";

type TVendor = { id: string; name: string; contactEmail: string | null; leadTimeSlaDays: number; rmaSlaDays: number; supportResponseHours: number; warrantyYears: number; contacts: { id: string; name: string; email: string | null; role: string | null }[] };

const TERMS = [
  ["leadTimeSlaDays", "Committed lead time (days)"],
  ["rmaSlaDays", "RMA turnaround (days)"],
  ["supportResponseHours", "Support response (hours)"],
  ["warrantyYears", "Warranty (years)"],
] as const;

/** A number typed into a form: blank and junk stay visible to the server's check (NaN is refused with the field's message). */
const num = (s: string) => (s.trim() === "" ? Number.NaN : Number(s));

/** One vendor's SLA terms and contacts, edited in place. */
export function VendorEditor({ vendor }: { vendor: TVendor }) {
  const trpc = useTRPC();
  const router = useRouter();
  const toast = useToast();
  const [terms, setTerms] = useState<Record<(typeof TERMS)[number][0], string>>({ leadTimeSlaDays: String(vendor.leadTimeSlaDays), rmaSlaDays: String(vendor.rmaSlaDays), supportResponseHours: String(vendor.supportResponseHours), warrantyYears: String(vendor.warrantyYears) });
  const [email, setEmail] = useState(vendor.contactEmail ?? "");
  const [contact, setContact] = useState({ name: "", email: "", role: "" });
  const save = useMutation(trpc.procurement.updateVendor.mutationOptions({ onSuccess: (v) => { toast.success(`Saved ${v.name}'s terms.`); router.refresh(); } }));
  const add = useMutation(trpc.procurement.addContact.mutationOptions({ onSuccess: (v) => { toast.success(`Added a contact to ${v.name}.`); setContact({ name: "", email: "", role: "" }); router.refresh(); } }));
  const remove = useMutation(trpc.procurement.removeContact.mutationOptions({ onSuccess: (v) => { toast.success(`Removed a contact from ${v.name}.`); router.refresh(); } }));
  return (
    <details className="card p-4" data-testid="vendor-editor">
      <summary className="cursor-pointer min-h-11 flex items-center font-semibold">{vendor.name}: terms and contacts</summary>
      <form
        className="grid gap-3 md:grid-cols-5 mt-3"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate({ id: vendor.id, contactEmail: email.trim() ? email.trim() : null, ...Object.fromEntries(TERMS.map(([k]) => [k, num(terms[k])])) });
        }}
      >
        {TERMS.map(([k, label]) => (
          <Field key={k} label={label} error={fieldError(save.error, k)}>
            <input className="input" inputMode="numeric" value={terms[k]} onChange={(e) => setTerms({ ...terms, [k]: e.target.value })} data-testid={`vendor-edit-${k}`} />
          </Field>
        ))}
        <Field label="Orders e-mail" error={fieldError(save.error, "contactEmail")}>
          <input className="input" type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
        </Field>
        <div className="md:col-span-5 flex flex-wrap items-center gap-3">
          <button className="btn btn-primary" disabled={save.isPending} data-testid="vendor-edit-save">
            {save.isPending ? "Saving…" : "Save terms"}
          </button>
          <ErrorBox error={save.error} />
        </div>
      </form>
      <h3 className="font-semibold mt-4">Contacts</h3>
      <ul className="divide-y" data-testid="vendor-contacts">
        {vendor.contacts.map((c) => (
          <li key={c.id} className="flex flex-wrap items-center gap-3 py-1">
            <span className="mr-auto">
              {c.name}
              {c.role ? ` (${c.role})` : ""}
              {c.email ? ` · ${c.email}` : ""}
            </span>
            <button type="button" className="btn btn-secondary" disabled={remove.isPending} onClick={() => remove.mutate({ vendorId: vendor.id, contactId: c.id })} aria-label={`Remove ${c.name}`}>
              Remove
            </button>
          </li>
        ))}
        {!vendor.contacts.length && <li className="py-1 text-slate-600">No contacts yet.</li>}
      </ul>
      <form
        className="grid gap-3 md:grid-cols-4 mt-2"
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate({ vendorId: vendor.id, name: contact.name, email: contact.email.trim() || undefined, role: contact.role.trim() || undefined });
        }}
      >
        <Field label="Contact name" error={fieldError(add.error, "name")}>
          <input className="input" value={contact.name} onChange={(e) => setContact({ ...contact, name: e.target.value })} data-testid="contact-name" />
        </Field>
        <Field label="E-mail" error={fieldError(add.error, "email")}>
          <input className="input" type="email" value={contact.email} onChange={(e) => setContact({ ...contact, email: e.target.value })} />
        </Field>
        <Field label="Role">
          <input className="input" value={contact.role} onChange={(e) => setContact({ ...contact, role: e.target.value })} />
        </Field>
        <div className="flex items-end">
          <button className="btn btn-secondary" disabled={add.isPending} data-testid="contact-add">
            Add contact
          </button>
        </div>
        <div className="md:col-span-4">
          <ErrorBox error={add.error ?? remove.error} />
        </div>
      </form>
    </details>
  );
}

type TModel = { id: string; name: string; partNumber: string; prices: { vendorId: string; currency: string; listPrice: number }[] };

/** Every model's list prices per vendor, with a form to set or change one and a button to remove one. */
export function ListPrices({ models, vendors, canWrite }: { models: TModel[]; vendors: { id: string; name: string }[]; canWrite: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const toast = useToast();
  const vendorName = new Map(vendors.map((v) => [v.id, v.name]));
  const [f, setF] = useState({ modelId: models[0]?.id ?? "", vendorId: vendors[0]?.id ?? "", currency: "EUR", listPrice: "" });
  const set = useMutation(trpc.procurement.setListPrice.mutationOptions({ onSuccess: (m, input) => { toast.success(input.listPrice === null ? `Removed a list price of ${m.name}.` : `Saved the list price of ${m.name}.`); setF((x) => ({ ...x, listPrice: "" })); router.refresh(); } }));
  const priced = models.filter((m) => m.prices.length);
  return (
    <section className="card p-4 space-y-3">
      <h2 className="text-lg font-semibold">List prices</h2>
      <table className="w-full text-left text-sm" data-testid="list-prices">
        <thead className="bg-slate-100">
          <tr>
            <th className="p-2">Model</th>
            <th className="p-2">Vendor</th>
            <th className="p-2 text-right">List price</th>
            {canWrite && <th className="p-2"><span className="sr-only">Remove</span></th>}
          </tr>
        </thead>
        <tbody>
          {priced.flatMap((m) =>
            m.prices.map((p) => (
              <tr key={`${m.id}-${p.vendorId}-${p.currency}`} className="border-t">
                <td className="p-2">
                  {m.name} ({m.partNumber})
                </td>
                <td className="p-2">{vendorName.get(p.vendorId) ?? p.vendorId}</td>
                <td className="p-2 text-right tabular-nums">{money(p.listPrice, p.currency)}</td>
                {canWrite && (
                  <td className="p-2 text-right">
                    <button type="button" className="btn btn-secondary" disabled={set.isPending} onClick={() => set.mutate({ modelId: m.id, vendorId: p.vendorId, currency: p.currency, listPrice: null })} aria-label={`Remove ${vendorName.get(p.vendorId)}'s ${p.currency} price for ${m.name}`}>
                      Remove
                    </button>
                  </td>
                )}
              </tr>
            )),
          )}
          {!priced.length && (
            <tr>
              <td className="p-2 text-slate-600" colSpan={4}>
                No list prices yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {canWrite && models.length > 0 && vendors.length > 0 && (
        <form
          className="flex flex-wrap items-end gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            set.mutate({ modelId: f.modelId, vendorId: f.vendorId, currency: f.currency, listPrice: num(f.listPrice) });
          }}
        >
          <Field label="Model" error={fieldError(set.error, "modelId")}>
            <select className="input" value={f.modelId} onChange={(e) => setF({ ...f, modelId: e.target.value })} data-testid="price-model">
              {models.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name} ({m.partNumber})
                </option>
              ))}
            </select>
          </Field>
          <Field label="Vendor" error={fieldError(set.error, "vendorId")}>
            <select className="input" value={f.vendorId} onChange={(e) => setF({ ...f, vendorId: e.target.value })} data-testid="price-vendor">
              {vendors.map((v) => (
                <option key={v.id} value={v.id}>
                  {v.name}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Currency" error={fieldError(set.error, "currency")}>
            <input className="input w-24" value={f.currency} onChange={(e) => setF({ ...f, currency: e.target.value })} data-testid="price-currency" />
          </Field>
          <Field label="List price" error={fieldError(set.error, "listPrice")}>
            <input className="input" inputMode="decimal" value={f.listPrice} onChange={(e) => setF({ ...f, listPrice: e.target.value })} data-testid="price-amount" />
          </Field>
          <button className="btn btn-primary" disabled={set.isPending} data-testid="price-save">
            {set.isPending ? "Saving…" : "Set price"}
          </button>
          <div className="w-full">
            <ErrorBox error={set.error} />
          </div>
        </form>
      )}
    </section>
  );
}

export const PARAM_FIELDS = [
  ["pue", "PUE"],
  ["tariffPerKwh", "Tariff per kWh"],
  ["afr", "Annual failure rate (0.02 = 2 %)"],
  ["costPerFailure", "Cost per failure"],
  ["costPerUMonth", "Cost per U-month"],
  ["discountRate", "Discount rate (0 = undiscounted)"],
] as const;
export type TParamKey = (typeof PARAM_FIELDS)[number][0];

/** TCO parameter inputs: blank means Setup's default, shown as the placeholder. */
export function ParamInputs({ values, defaults, onChange, error }: { values: Record<TParamKey, string>; defaults: Record<TParamKey, number>; onChange: (v: Record<TParamKey, string>) => void; error: unknown }) {
  return (
    <>
      {PARAM_FIELDS.map(([k, label]) => (
        <Field key={k} label={label} hint={`Setup: ${defaults[k]}`} error={fieldError(error, `params.${k}`)}>
          <input className="input" inputMode="decimal" placeholder={String(defaults[k])} value={values[k]} onChange={(e) => onChange({ ...values, [k]: e.target.value })} data-testid={`param-${k}`} />
        </Field>
      ))}
    </>
  );
}

/** The parameters an RFQ overrides (blank inputs left out, so Setup's defaults apply). */
export function paramOverrides(values: Record<TParamKey, string>): Partial<Record<TParamKey, number>> {
  return Object.fromEntries(PARAM_FIELDS.flatMap(([k]) => (values[k].trim() === "" ? [] : [[k, num(values[k])]])));
}

/** An open RFQ's TCO parameters: set an override, or blank it to go back to Setup's default. */
export function RfqParamsForm({ rfqId, params, defaults }: { rfqId: string; params: Partial<Record<TParamKey, number>>; defaults: Record<TParamKey, number> }) {
  const trpc = useTRPC();
  const router = useRouter();
  const toast = useToast();
  const [values, setValues] = useState(Object.fromEntries(PARAM_FIELDS.map(([k]) => [k, params[k] === undefined ? "" : String(params[k])])) as Record<TParamKey, string>);
  const save = useMutation(trpc.procurement.updateRfqParams.mutationOptions({ onSuccess: () => { toast.success("Saved the TCO parameters; the comparison below uses them."); router.refresh(); } }));
  return (
    <details className="card p-4" data-testid="rfq-params">
      <summary className="cursor-pointer min-h-11 flex items-center font-semibold">TCO parameters for this RFQ</summary>
      <form
        className="grid gap-3 md:grid-cols-3 mt-3"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate({ id: rfqId, params: Object.fromEntries(PARAM_FIELDS.map(([k]) => [k, values[k].trim() === "" ? null : num(values[k])])) });
        }}
      >
        <ParamInputs values={values} defaults={defaults} onChange={setValues} error={save.error} />
        <div className="md:col-span-3 flex flex-wrap items-center gap-3">
          <button className="btn btn-primary" disabled={save.isPending} data-testid="rfq-params-save">
            {save.isPending ? "Saving…" : "Save parameters"}
          </button>
          <span className="text-sm text-slate-600">Blank: Setup&apos;s default.</span>
          <ErrorBox error={save.error} />
        </div>
      </form>
    </details>
  );
}

/** Invite more vendors to an open RFQ. */
export function InviteVendors({ rfqId, vendors }: { rfqId: string; vendors: { id: string; name: string }[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const toast = useToast();
  const [chosen, setChosen] = useState<string[]>([]);
  const invite = useMutation(trpc.procurement.invite.mutationOptions({ onSuccess: () => { toast.success(chosen.length === 1 ? "Invited 1 vendor." : `Invited ${chosen.length} vendors.`); setChosen([]); router.refresh(); } }));
  if (!vendors.length) return null;
  return (
    <form
      className="card p-4 space-y-2"
      onSubmit={(e) => {
        e.preventDefault();
        invite.mutate({ id: rfqId, vendorIds: chosen });
      }}
    >
      <h2 className="text-lg font-semibold">Invite more vendors</h2>
      <div className="flex flex-wrap gap-4">
        {vendors.map((v) => (
          <label key={v.id} className="inline-flex items-center gap-2 min-h-11">
            <input type="checkbox" className="h-5 w-5" checked={chosen.includes(v.id)} onChange={(e) => setChosen(e.target.checked ? [...chosen, v.id] : chosen.filter((x) => x !== v.id))} data-testid="invite-vendor" />
            {v.name}
          </label>
        ))}
      </div>
      <ErrorBox error={invite.error} />
      <button className="btn btn-primary" disabled={invite.isPending || !chosen.length} data-testid="invite-save">
        {invite.isPending ? "Inviting…" : "Invite"}
      </button>
    </form>
  );
}
