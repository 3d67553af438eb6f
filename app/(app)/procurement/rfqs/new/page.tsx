/** Procurement → new RFQ. */
import { RfqForm } from "../../../../_components/procurement/forms";

export default function NewRfqPage() {
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">New request for quotation</h1>
      <RfqForm />
    </div>
  );
}
