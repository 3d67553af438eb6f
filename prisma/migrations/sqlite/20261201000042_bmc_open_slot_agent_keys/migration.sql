-- DropIndex
DROP INDEX "BmcObservation_idempotencyKey_key";

-- AlterTable
ALTER TABLE "BmcCommand" ADD COLUMN "openSlot" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "BmcObservation_agentId_idempotencyKey_key" ON "BmcObservation"("agentId", "idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "BmcCommand_openSlot_key" ON "BmcCommand"("openSlot");

-- Commands open when this migration runs hold their BMC's slot (the newest one per BMC)
UPDATE "BmcCommand" SET "openSlot" = "endpointId"
WHERE "status" IN ('QUEUED', 'SENT')
  AND "id" = (SELECT MAX(c2."id") FROM "BmcCommand" c2 WHERE c2."endpointId" = "BmcCommand"."endpointId" AND c2."status" IN ('QUEUED', 'SENT'));
