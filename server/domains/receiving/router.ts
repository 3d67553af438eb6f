/** Receiving's tRPC procedures (thin: parse, call a service). */
import { z } from "zod";
import { procedure, router } from "../../trpc";
import { closeReceipt, createReceipt, flagDamaged, getReceipt, getReceivingSettings, importAsn, listReceipts, receivablePos, updateReceivingSettings } from "./service";
import { scan } from "./scan";
import { RECEIPT_READERS, RECEIVERS, RECEIVING_ADMINS, ZAsnInput, ZAsnOut, ZDamageInput, ZOpenPos, ZReceiptCreate, ZReceiptId, ZReceiptItems, ZReceiptListQuery, ZReceiptOut, ZReceivingSettings, ZScanInput, ZScanOut } from "./schema";

export const receivingRouter = router({
  receivablePos: procedure(RECEIVERS).output(ZOpenPos).query(({ ctx }) => receivablePos(ctx.deps)),
  receipts: procedure(RECEIPT_READERS).input(ZReceiptListQuery).output(ZReceiptItems).query(({ ctx, input }) => listReceipts(ctx.deps, input)),
  receipt: procedure(RECEIPT_READERS).input(ZReceiptId).output(ZReceiptOut).query(({ ctx, input }) => getReceipt(ctx.deps, input.id)),
  start: procedure(RECEIVERS).input(ZReceiptCreate).output(ZReceiptOut).mutation(({ ctx, input }) => createReceipt(ctx.deps, ctx.actor, input)),
  scan: procedure(RECEIVERS)
    .input(ZScanInput.extend({ receiptId: z.string().trim().min(1).max(64) }))
    .output(ZScanOut)
    .mutation(({ ctx, input: { receiptId, ...rest } }) => scan(ctx.deps, ctx.actor, receiptId, rest)),
  flagDamaged: procedure(RECEIVERS)
    .input(ZDamageInput.extend({ receiptId: z.string().trim().min(1).max(64) }))
    .output(ZReceiptOut)
    .mutation(({ ctx, input: { receiptId, ...rest } }) => flagDamaged(ctx.deps, ctx.actor, receiptId, rest)),
  close: procedure(RECEIVERS).input(ZReceiptId).output(ZReceiptOut).mutation(({ ctx, input }) => closeReceipt(ctx.deps, ctx.actor, input.id)),
  importAsn: procedure(RECEIVERS).input(ZAsnInput).output(ZAsnOut).mutation(({ ctx, input }) => importAsn(ctx.deps, ctx.actor, input)),
  settings: procedure(RECEIVERS).output(ZReceivingSettings).query(({ ctx }) => getReceivingSettings(ctx.deps)),
  updateSettings: procedure(RECEIVING_ADMINS).input(ZReceivingSettings).output(ZReceivingSettings).mutation(({ ctx, input }) => updateReceivingSettings(ctx.deps, ctx.actor, input)),
});
