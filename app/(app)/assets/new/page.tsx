/**
 * Register an asset (for those whose me.can.registerAssets). A Server
 * Component: the models, places and vendors come with the page; the form is
 * the client part (app/_components/assets/register-form.tsx). `?serial=` (from
 * the scan field's "Register" on an unknown serial) fills in the serial.
 */
import Link from "next/link";
import { RegisterForm } from "../../../_components/assets/register-form";
import { load, requireMe } from "../../../_lib/server-trpc";

type TSearch = Record<string, string | string[] | undefined>;

export default async function RegisterAssetPage({ searchParams }: { searchParams: Promise<TSearch> }) {
  const [me, sp] = await Promise.all([requireMe(), searchParams]);
  if (!me.can.registerAssets) {
    return (
      <div className="card p-6 max-w-xl space-y-2" data-testid="register-not-allowed">
        <h1 className="text-2xl font-semibold">Register asset</h1>
        <p>Your account may not register assets. <Link className="text-blue-800 underline" href="/assets">Back to the asset list</Link></p>
      </div>
    );
  }
  const [models, locations, vendors] = await Promise.all([load((api) => api.catalog.models()), load((api) => api.locations.list()), load((api) => api.catalog.vendors())]);
  const raw = Array.isArray(sp.serial) ? sp.serial[0] : sp.serial;
  return (
    <RegisterForm
      initialSerial={(raw ?? "").trim().slice(0, 128)}
      models={models.ok ? models.data.map((m) => ({ id: m.id, name: m.name, kind: m.kind, partNumber: m.partNumber, manufacturer: m.manufacturer.name })) : []}
      locations={locations.ok ? locations.data.map((l) => ({ id: l.id, path: l.path, name: l.name, kind: l.kind, heightU: l.heightU })) : []}
      vendors={vendors.ok ? vendors.data.map((v) => ({ id: v.id, name: v.name })) : []}
    />
  );
}
