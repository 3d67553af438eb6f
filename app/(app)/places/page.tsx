"use client";
/**
 * Setup: places (sites → rooms → racks / bins) and the catalogue
 * (manufacturers, hardware models, vendors). Everyone may look; admins,
 * procurement and warehouse staff may add (vendors: admins and procurement).
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { MODEL_KINDS, type TModelKind } from "@/server/domains/catalog/schema";
import { LOCATION_KINDS, PARENT_KINDS, type TLocation, type TLocationKind } from "@/server/domains/locations/schema";
import { ErrorBox, Field, fieldError, OkBox, Tabs } from "../../_components/ui/form";
import { useTRPC } from "../../_components/trpc";

const KIND_LABEL: Record<TLocationKind, string> = { SITE: "Site", ROOM: "Room", RACK: "Rack", BIN: "Bin" };
const TABS = [
  { id: "places", label: "Places" },
  { id: "catalogue", label: "Catalogue" },
] as const;
type TTab = (typeof TABS)[number]["id"];


export default function SetupPage() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { retry: false, staleTime: 60_000 }));
  const [tab, setTab] = useState<TTab>("places");
  // what this user may add comes from the server (me.can), not from a role list here
  const can = me.data?.can;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Setup</h1>
      <Tabs tabs={TABS} value={tab} onChange={setTab} />
      {tab === "places" ? <Places canEdit={can?.editPlaces ?? false} /> : <Catalogue canEdit={can?.editCatalog ?? false} canEditVendors={can?.editVendors ?? false} />}
    </div>
  );
}

// ------------------------------------------------------------------ places

function Places({ canEdit }: { canEdit: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const list = useQuery(trpc.locations.list.queryOptions());
  const locs = useMemo(() => list.data ?? [], [list.data]);
  const children = useMemo(() => {
    const m = new Map<string | null, TLocation[]>();
    for (const l of locs) m.set(l.parentId, [...(m.get(l.parentId) ?? []), l]);
    return m;
  }, [locs]);

  const [form, setForm] = useState({ kind: "SITE" as TLocationKind, parentId: "", code: "", name: "", heightU: "42" });
  const [ok, setOk] = useState<string | null>(null);
  const create = useMutation(
    trpc.locations.create.mutationOptions({
      onSuccess: async (l) => {
        setOk(`Added ${l.path} (${l.name}).`);
        setForm((f) => ({ ...f, code: "", name: "" }));
        await qc.invalidateQueries({ queryKey: trpc.locations.list.queryKey() });
      },
    }),
  );
  const parentChoices = locs.filter((l) => PARENT_KINDS[form.kind].includes(l.kind));
  const addUnder = (parent: TLocation, kind: TLocationKind) => {
    create.reset();
    setOk(null);
    setForm({ kind, parentId: parent.id, code: "", name: "", heightU: "42" });
    document.getElementById("loc-code")?.focus();
  };

  const renderNode = (l: TLocation, depth: number): React.ReactNode => (
    <li key={l.id}>
      <div className="flex flex-wrap items-center gap-2 py-1.5 border-t border-slate-100" style={{ paddingLeft: depth * 24 }} data-testid="place-row">
        <span className="rounded bg-slate-100 px-2 py-0.5 text-sm text-slate-700 w-14 text-center">{KIND_LABEL[l.kind]}</span>
        <span className="font-mono">{l.code}</span>
        <span className="text-slate-700">{l.name}</span>
        {l.heightU ? <span className="text-sm text-slate-500">{l.heightU} U</span> : null}
        {canEdit && (
          <span className="ml-auto flex gap-1">
            {LOCATION_KINDS.filter((k) => PARENT_KINDS[k].includes(l.kind)).map((k) => (
              <button key={k} type="button" className="btn btn-secondary min-h-9 px-3 text-sm" onClick={() => addUnder(l, k)}>+ {KIND_LABEL[k]}</button>
            ))}
          </span>
        )}
      </div>
      {(children.get(l.id)?.length ?? 0) > 0 && <ul>{children.get(l.id)!.map((c) => renderNode(c, depth + 1))}</ul>}
    </li>
  );

  return (
    <div className="grid gap-4 lg:grid-cols-3">
      <section className="card p-4 space-y-2 lg:col-span-2">
        <h2 className="text-lg font-semibold">Sites, rooms, racks and bins</h2>
        {list.isError && <ErrorBox error={list.error} />}
        {list.data && locs.length === 0 && <p className="text-slate-600">No places yet. {canEdit ? "Start with a site." : "Ask an administrator or the warehouse to add the first site."}</p>}
        <ul data-testid="place-tree">{(children.get(null) ?? []).map((l) => renderNode(l, 0))}</ul>
      </section>
      {canEdit && (
        <section className="card p-4 space-y-3">
          <h2 className="text-lg font-semibold">Add a place</h2>
          <form
            className="space-y-3"
            onSubmit={(e) => {
              e.preventDefault();
              setOk(null);
              create.mutate({
                kind: form.kind,
                code: form.code,
                name: form.name,
                parentId: form.kind === "SITE" ? undefined : form.parentId || undefined,
                heightU: form.kind === "RACK" ? Number(form.heightU) || undefined : undefined,
              });
            }}
          >
            <Field label="Kind" error={fieldError(create.error, "kind")}>
              <select className="input" value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value as TLocationKind, parentId: "" })} data-testid="loc-kind">
                {LOCATION_KINDS.map((k) => (
                  <option key={k} value={k}>{KIND_LABEL[k]}</option>
                ))}
              </select>
            </Field>
            {form.kind !== "SITE" && (
              <Field label="Inside" error={fieldError(create.error, "parentId")}>
                <select className="input" value={form.parentId} onChange={(e) => setForm({ ...form, parentId: e.target.value })} data-testid="loc-parent">
                  <option value="">Choose…</option>
                  {parentChoices.map((l) => (
                    <option key={l.id} value={l.id}>{l.path} — {l.name}</option>
                  ))}
                </select>
              </Field>
            )}
            <Field label="Code" error={fieldError(create.error, "code")} hint="Short, printed on labels: letters, digits, - _ .">
              <input id="loc-code" className="input font-mono" value={form.code} onChange={(e) => setForm({ ...form, code: e.target.value })} autoComplete="off" data-testid="loc-code" />
            </Field>
            <Field label="Name" error={fieldError(create.error, "name")}>
              <input className="input" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} data-testid="loc-name" />
            </Field>
            {form.kind === "RACK" && (
              <Field label="Height (U)" error={fieldError(create.error, "heightU")}>
                <input className="input" inputMode="numeric" value={form.heightU} onChange={(e) => setForm({ ...form, heightU: e.target.value.replace(/[^0-9]/g, "") })} />
              </Field>
            )}
            {create.isError && <ErrorBox error={create.error} />}
            {ok && <OkBox>{ok}</OkBox>}
            <button type="submit" className="btn btn-primary w-full" disabled={create.isPending} data-testid="loc-submit">{create.isPending ? "Adding…" : `Add ${KIND_LABEL[form.kind].toLowerCase()}`}</button>
          </form>
        </section>
      )}
    </div>
  );
}

// ------------------------------------------------------------------ catalogue

function Catalogue({ canEdit, canEditVendors }: { canEdit: boolean; canEditVendors: boolean }) {
  return (
    <div className="grid gap-4 lg:grid-cols-3">
      <Manufacturers canEdit={canEdit} />
      <Vendors canEdit={canEditVendors} />
      <div className="lg:col-span-3">
        <Models canEdit={canEdit} />
      </div>
    </div>
  );
}

function Manufacturers({ canEdit }: { canEdit: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const list = useQuery(trpc.catalog.manufacturers.queryOptions());
  const [name, setName] = useState("");
  const create = useMutation(
    trpc.catalog.createManufacturer.mutationOptions({
      onSuccess: async () => {
        setName("");
        await qc.invalidateQueries({ queryKey: trpc.catalog.manufacturers.queryKey() });
      },
    }),
  );
  return (
    <section className="card p-4 space-y-3">
      <h2 className="text-lg font-semibold">Manufacturers</h2>
      {list.isError && <ErrorBox error={list.error} />}
      <ul className="divide-y divide-slate-100" data-testid="manufacturer-rows">
        {list.data?.map((m) => <li key={m.id} className="py-1.5">{m.name}</li>)}
        {list.data?.length === 0 && <li className="py-1.5 text-slate-600">None yet.</li>}
      </ul>
      {canEdit && (
        <form className="space-y-2" onSubmit={(e) => { e.preventDefault(); create.mutate({ name }); }}>
          <Field label="New manufacturer" error={fieldError(create.error, "name")}>
            <input className="input" value={name} onChange={(e) => setName(e.target.value)} data-testid="mfr-name" />
          </Field>
          {create.isError && !fieldError(create.error, "name") && <ErrorBox error={create.error} />}
          <button type="submit" className="btn btn-primary w-full" disabled={create.isPending}>Add manufacturer</button>
        </form>
      )}
    </section>
  );
}

function Vendors({ canEdit }: { canEdit: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const list = useQuery(trpc.catalog.vendors.queryOptions());
  const [form, setForm] = useState({ name: "", contactEmail: "", rmaSlaDays: "5" });
  const create = useMutation(
    trpc.catalog.createVendor.mutationOptions({
      onSuccess: async () => {
        setForm({ name: "", contactEmail: "", rmaSlaDays: "5" });
        await qc.invalidateQueries({ queryKey: trpc.catalog.vendors.queryKey() });
      },
    }),
  );
  return (
    <section className="card p-4 space-y-3 lg:col-span-2">
      <h2 className="text-lg font-semibold">Vendors</h2>
      {list.isError && <ErrorBox error={list.error} />}
      <table className="w-full text-left" data-testid="vendor-rows">
        <thead className="text-sm text-slate-600"><tr><th className="py-1">Name</th><th>Contact</th><th>RMA SLA</th></tr></thead>
        <tbody>
          {list.data?.map((v) => (
            <tr key={v.id} className="border-t border-slate-100"><td className="py-1.5">{v.name}</td><td>{v.contactEmail ?? "—"}</td><td>{v.rmaSlaDays} days</td></tr>
          ))}
          {list.data?.length === 0 && <tr><td colSpan={3} className="py-1.5 text-slate-600">None yet.</td></tr>}
        </tbody>
      </table>
      {canEdit && (
        <form
          className="grid gap-3 md:grid-cols-4 items-start"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate({ name: form.name, contactEmail: form.contactEmail.trim() || undefined, rmaSlaDays: Number(form.rmaSlaDays) || undefined });
          }}
        >
          <Field label="New vendor" error={fieldError(create.error, "name")}>
            <input className="input" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
          </Field>
          <Field label="Contact e-mail (optional)" error={fieldError(create.error, "contactEmail")}>
            <input className="input" type="email" value={form.contactEmail} onChange={(e) => setForm({ ...form, contactEmail: e.target.value })} />
          </Field>
          <Field label="RMA SLA (days)" error={fieldError(create.error, "rmaSlaDays")}>
            <input className="input" inputMode="numeric" value={form.rmaSlaDays} onChange={(e) => setForm({ ...form, rmaSlaDays: e.target.value.replace(/[^0-9]/g, "") })} />
          </Field>
          <div className="pt-6"><button type="submit" className="btn btn-primary w-full" disabled={create.isPending}>Add vendor</button></div>
          {create.isError && <div className="md:col-span-4"><ErrorBox error={create.error} /></div>}
        </form>
      )}
    </section>
  );
}

function Models({ canEdit }: { canEdit: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const list = useQuery(trpc.catalog.models.queryOptions());
  const mfrs = useQuery(trpc.catalog.manufacturers.queryOptions());
  const blank = { manufacturerId: "", name: "", kind: "SERVER" as TModelKind, partNumber: "", heightU: "1", nominalPowerW: "0" };
  const [form, setForm] = useState(blank);
  const create = useMutation(
    trpc.catalog.createModel.mutationOptions({
      onSuccess: async () => {
        setForm((f) => ({ ...blank, manufacturerId: f.manufacturerId, kind: f.kind, heightU: f.heightU }));
        await qc.invalidateQueries({ queryKey: trpc.catalog.models.queryKey() });
      },
    }),
  );
  const fe = (n: string) => fieldError(create.error, n);
  return (
    <section className="card p-4 space-y-3 overflow-x-auto">
      <h2 className="text-lg font-semibold">Hardware models</h2>
      {list.isError && <ErrorBox error={list.error} />}
      <table className="w-full text-left" data-testid="model-rows">
        <thead className="bg-slate-100 text-slate-700">
          <tr>{["Kind", "Manufacturer", "Model", "Part number", "Height", "Power"].map((h) => <th key={h} className="px-3 py-2 font-medium">{h}</th>)}</tr>
        </thead>
        <tbody>
          {list.data?.map((m) => (
            <tr key={m.id} className="border-t border-slate-100">
              <td className="px-3 py-1.5">{m.kind}</td>
              <td className="px-3 py-1.5">{m.manufacturer.name}</td>
              <td className="px-3 py-1.5">{m.name}</td>
              <td className="px-3 py-1.5 font-mono">{m.partNumber}</td>
              <td className="px-3 py-1.5">{m.heightU ? `${m.heightU} U` : "—"}</td>
              <td className="px-3 py-1.5">{m.nominalPowerW ? `${m.nominalPowerW} W` : "—"}</td>
            </tr>
          ))}
          {list.data?.length === 0 && <tr><td colSpan={6} className="px-3 py-4 text-slate-600">No models yet.</td></tr>}
        </tbody>
      </table>
      {canEdit && (
        <form
          className="grid gap-3 md:grid-cols-3 items-start"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate({ manufacturerId: form.manufacturerId, name: form.name, kind: form.kind, partNumber: form.partNumber, heightU: Number(form.heightU) || 0, nominalPowerW: Number(form.nominalPowerW) || 0 });
          }}
        >
          <Field label="Manufacturer" error={fe("manufacturerId")}>
            <select className="input" value={form.manufacturerId} onChange={(e) => setForm({ ...form, manufacturerId: e.target.value })}>
              <option value="">Choose…</option>
              {mfrs.data?.map((m) => <option key={m.id} value={m.id}>{m.name}</option>)}
            </select>
          </Field>
          <Field label="Model name" error={fe("name")}>
            <input className="input" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
          </Field>
          <Field label="Kind" error={fe("kind")}>
            <select className="input" value={form.kind} onChange={(e) => { const kind = e.target.value as TModelKind; setForm({ ...form, kind, heightU: ["SERVER", "SWITCH"].includes(kind) ? form.heightU || "1" : "0" }); }}>
              {MODEL_KINDS.map((k) => <option key={k} value={k}>{k}</option>)}
            </select>
          </Field>
          <Field label="Part number" error={fe("partNumber")}>
            <input className="input font-mono" value={form.partNumber} onChange={(e) => setForm({ ...form, partNumber: e.target.value })} />
          </Field>
          <Field label="Height (U)" error={fe("heightU")} hint="0 for parts">
            <input className="input" inputMode="numeric" value={form.heightU} onChange={(e) => setForm({ ...form, heightU: e.target.value.replace(/[^0-9]/g, "") })} />
          </Field>
          <Field label="Nominal power (W)" error={fe("nominalPowerW")}>
            <input className="input" inputMode="numeric" value={form.nominalPowerW} onChange={(e) => setForm({ ...form, nominalPowerW: e.target.value.replace(/[^0-9]/g, "") })} />
          </Field>
          {create.isError && <div className="md:col-span-3"><ErrorBox error={create.error} /></div>}
          <div className="md:col-span-3 flex justify-end"><button type="submit" className="btn btn-primary" disabled={create.isPending}>Add model</button></div>
        </form>
      )}
    </section>
  );
}
