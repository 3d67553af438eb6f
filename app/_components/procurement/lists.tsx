"use client";
/** Procurement lists on the shared DataTable (rows come whole from the Server Component page). */
import Link from "next/link";
import type { ColumnDef } from "@tanstack/react-table";
import { DataTable } from "../ui/data-table";
import { day, money, PO_STATUS_LABEL } from "./format";

export type TRfqRow = { id: string; number: string; title: string; currency: string; status: string; lineCount: number; vendorCount: number; needBy: Date | null };
export type TPoRow = { id: string; number: string; vendorName: string; status: string; total: number; currency: string; issuedAt: Date | null; late: boolean };
export type TVendorRow = { id: string; name: string; contactEmail: string | null; leadTimeSlaDays: number; rmaSlaDays: number; supportResponseHours: number; warrantyYears: number; contacts: { name: string; email: string | null }[] };

const rfqCols: ColumnDef<TRfqRow, any>[] = [
  { id: "number", header: "RFQ", cell: ({ row }) => <Link className="text-blue-800 underline" href={`/procurement/rfqs/${row.original.id}`}>{row.original.number}</Link> },
  { id: "title", header: "Title", accessorKey: "title" },
  { id: "status", header: "Status", accessorKey: "status" },
  { id: "currency", header: "Currency", accessorKey: "currency" },
  { id: "lines", header: "Lines", accessorKey: "lineCount" },
  { id: "vendors", header: "Vendors", accessorKey: "vendorCount" },
  { id: "needBy", header: "Need by", cell: ({ row }) => day(row.original.needBy) },
];
export function RfqTable({ rows }: { rows: TRfqRow[] }) {
  return <DataTable columns={rfqCols} rows={rows} rowKey={(r) => r.id} noun={["RFQ", "RFQs"]} empty="No RFQs yet." testId="rfq-rows" caption="RFQs" />;
}

const poCols: ColumnDef<TPoRow, any>[] = [
  { id: "number", header: "PO", cell: ({ row }) => <Link className="text-blue-800 underline" href={`/procurement/purchase-orders/${row.original.id}`}>{row.original.number}</Link> },
  { id: "vendor", header: "Vendor", accessorKey: "vendorName" },
  { id: "status", header: "Status", cell: ({ row }) => <span>{PO_STATUS_LABEL[row.original.status] ?? row.original.status}{row.original.late ? <span className="ml-2 rounded bg-red-100 text-red-900 px-2 text-sm">late</span> : null}</span> },
  { id: "total", header: "Total", cell: ({ row }) => money(row.original.total, row.original.currency), meta: { className: "px-3 py-2 text-right tabular-nums" } },
  { id: "issued", header: "Issued", cell: ({ row }) => day(row.original.issuedAt) },
];
export function PoTable({ rows }: { rows: TPoRow[] }) {
  return <DataTable columns={poCols} rows={rows} rowKey={(r) => r.id} noun={["purchase order", "purchase orders"]} empty="No purchase orders yet." testId="po-rows" caption="Purchase orders" />;
}

const vendorCols: ColumnDef<TVendorRow, any>[] = [
  { id: "name", header: "Vendor", accessorKey: "name" },
  { id: "lead", header: "Committed lead time", cell: ({ row }) => `${row.original.leadTimeSlaDays} days` },
  { id: "rma", header: "RMA turnaround", cell: ({ row }) => `${row.original.rmaSlaDays} days` },
  { id: "support", header: "Support response", cell: ({ row }) => `${row.original.supportResponseHours} h` },
  { id: "warranty", header: "Warranty", cell: ({ row }) => `${row.original.warrantyYears} years` },
  { id: "contacts", header: "Contacts", cell: ({ row }) => row.original.contacts.map((c) => (c.email ? `${c.name} <${c.email}>` : c.name)).join(", ") || row.original.contactEmail || "—" },
];
export function VendorTable({ rows }: { rows: TVendorRow[] }) {
  return <DataTable columns={vendorCols} rows={rows} rowKey={(r) => r.id} noun={["vendor", "vendors"]} empty="No vendors yet." testId="vendor-rows" caption="Vendors" />;
}
