import { z } from "zod";
import { procedure, router } from "../../trpc";
import { approveCount, getCount, inventoryAccuracy, isWarehouseLead, listCounts, listLeads, openCount, reconcileCount, scanCount, setWarehouseLead } from "./counts";
import { binContents, getTransfer, listTransfers, moveAssets, receiveTransfer, resolveLocation, shipTransfer } from "./moves";
import { labelBatch, labelFile, listPrinters, listPrintJobs, printLabels, savePrinter } from "./printing";
import { bindTag, encodeAssetTag, listReaders, recordReads, registerReader } from "./rfid";
import {
  WAREHOUSE_ADMINS as ADMINS,
  WAREHOUSE_READERS as READERS,
  WAREHOUSE_WRITERS as WRITERS,
  ZAccuracy,
  ZAccuracyInput,
  ZBinContents,
  ZBindTag,
  ZBinding,

  ZCountDetail,
  ZCountId,
  ZCountListInput,
  ZCountOpen,
  ZCountScan,
  ZCounts,
  ZEncodeTag,
  ZLabelBatch,
  ZLabelFile,
  ZLeadInput,
  ZLeads,
  ZLocationRef,
  ZMoveInput,
  ZMoveResult,
  ZPrinter,
  ZPrinterInput,
  ZPrinterUpdate,
  ZPrinters,
  ZPrintInput,
  ZPrintJob,
  ZPrintJobs,
  ZReader,
  ZReaderInput,
  ZReaders,
  ZRfidBatch,
  ZRfidReadsOut,
  ZScanOut,
  ZTransfer,
  ZTransferInput,
  ZTransferReceive,
  ZTransfers,
} from "./schema";

export const warehouseRouter = router({
  // labels and printers
  labelBatch: procedure(READERS)
    .input(ZLabelBatch)
    .output(ZLabelFile)
    .mutation(async ({ ctx, input }) => {
      const r = await labelBatch(ctx.deps, input);
      return labelFile(`labels-${r.labels.length}`, r.format, r.body, r.labels.length);
    }),
  printers: procedure(READERS).output(ZPrinters).query(({ ctx }) => listPrinters(ctx.deps)),
  savePrinter: procedure(ADMINS).input(z.union([ZPrinterUpdate, ZPrinterInput])).output(ZPrinter).mutation(({ ctx, input }) => savePrinter(ctx.deps, ctx.actor, input)),
  print: procedure(WRITERS).input(ZPrintInput).output(ZPrintJob).mutation(({ ctx, input }) => printLabels(ctx.deps, ctx.actor, input)),
  printJobs: procedure(READERS).input(z.object({ printerId: z.string().optional() }).optional()).output(ZPrintJobs).query(({ ctx, input }) => listPrintJobs(ctx.deps, input?.printerId)),
  // bins, moves, transfers
  location: procedure(READERS)
    .input(ZLocationRef)
    .output(z.object({ id: z.string(), path: z.string(), kind: z.string(), name: z.string() }))
    .query(({ ctx, input }) => resolveLocation(ctx.deps, input)),
  binContents: procedure(READERS).input(ZLocationRef).output(ZBinContents).query(({ ctx, input }) => binContents(ctx.deps, input)),
  move: procedure(WRITERS).input(ZMoveInput).output(ZMoveResult).mutation(({ ctx, input }) => moveAssets(ctx.deps, ctx.actor, input)),
  transfers: procedure(READERS).input(z.object({ status: z.enum(["SHIPPED", "RECEIVED", "CANCELLED"]).optional() }).optional()).output(ZTransfers).query(({ ctx, input }) => listTransfers(ctx.deps, input ?? {})),
  transfer: procedure(READERS).input(ZCountId).output(ZTransfer).query(({ ctx, input }) => getTransfer(ctx.deps, input.id)),
  shipTransfer: procedure(WRITERS).input(ZTransferInput).output(ZTransfer).mutation(({ ctx, input }) => shipTransfer(ctx.deps, ctx.actor, input)),
  receiveTransfer: procedure(WRITERS).input(ZTransferReceive).output(ZTransfer).mutation(({ ctx, input }) => receiveTransfer(ctx.deps, ctx.actor, input)),
  // RFID
  readers: procedure(READERS).output(ZReaders).query(({ ctx }) => listReaders(ctx.deps)),
  registerReader: procedure(ADMINS).input(ZReaderInput).output(ZReader).mutation(({ ctx, input }) => registerReader(ctx.deps, ctx.actor, input)),
  rfidReads: procedure(WRITERS)
    .input(ZRfidBatch)
    .output(ZRfidReadsOut)
    .mutation(async ({ ctx, input }) => (await recordReads(ctx.deps, ctx.actor, [input]))[0]!),
  bindTag: procedure(WRITERS).input(ZBindTag).output(ZBinding).mutation(({ ctx, input }) => bindTag(ctx.deps, ctx.actor, input)),
  encodeTag: procedure(WRITERS).input(ZEncodeTag).output(ZBinding).mutation(({ ctx, input }) => encodeAssetTag(ctx.deps, ctx.actor, input.assetId)),
  // cycle counts
  counts: procedure(READERS).input(ZCountListInput).output(ZCounts).query(({ ctx, input }) => listCounts(ctx.deps, input ?? {})),
  count: procedure(READERS).input(ZCountId).output(ZCountDetail).query(({ ctx, input }) => getCount(ctx.deps, input.id)),
  openCount: procedure(WRITERS).input(ZCountOpen).output(ZCountDetail).mutation(({ ctx, input }) => openCount(ctx.deps, ctx.actor, input)),
  scanCount: procedure(WRITERS).input(ZCountScan).output(ZScanOut).mutation(({ ctx, input }) => scanCount(ctx.deps, ctx.actor, input)),
  reconcileCount: procedure(WRITERS).input(ZCountId).output(ZCountDetail).mutation(({ ctx, input }) => reconcileCount(ctx.deps, ctx.actor, input.id)),
  /** admin, or a warehouse user marked as a warehouse lead (the service checks) */
  approveCount: procedure(WRITERS).input(ZCountId).output(ZCountDetail).mutation(({ ctx, input }) => approveCount(ctx.deps, ctx.actor, input.id)),
  accuracy: procedure(READERS).input(ZAccuracyInput.optional()).output(ZAccuracy).query(({ ctx, input }) => inventoryAccuracy(ctx.deps, input ?? {})),
  countsFor: procedure(READERS)
    .input(ZAccuracyInput)
    .output(ZCounts)
    .query(({ ctx, input }) => listCounts(ctx.deps, { siteId: input.siteId, from: input.from ?? new Date(0), to: input.to })),
  amLead: procedure(READERS).output(z.boolean()).query(({ ctx }) => isWarehouseLead(ctx.deps, ctx.actor)),
  leads: procedure(ADMINS).output(ZLeads).query(({ ctx }) => listLeads(ctx.deps)),
  setLead: procedure(ADMINS).input(ZLeadInput).output(ZLeads).mutation(({ ctx, input }) => setWarehouseLead(ctx.deps, ctx.actor, input)),
});

