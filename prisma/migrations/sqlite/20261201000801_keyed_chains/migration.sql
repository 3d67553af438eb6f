-- AlterTable
ALTER TABLE "AssetEvent" ADD COLUMN "chainSeq" INTEGER;
ALTER TABLE "AssetEvent" ADD COLUMN "hash" TEXT;
ALTER TABLE "AssetEvent" ADD COLUMN "prevHash" TEXT;

-- AlterTable
ALTER TABLE "BmcObservation" ADD COLUMN "chainSeq" INTEGER;
ALTER TABLE "BmcObservation" ADD COLUMN "hash" TEXT;
ALTER TABLE "BmcObservation" ADD COLUMN "prevHash" TEXT;

-- AlterTable (hand-edited: ADD COLUMN instead of redefining the table, which would drop its append-only triggers)
ALTER TABLE "AuditLog" ADD COLUMN "hashVersion" INTEGER NOT NULL DEFAULT 1;

-- CreateIndex
CREATE UNIQUE INDEX "AssetEvent_chainSeq_key" ON "AssetEvent"("chainSeq");

-- CreateIndex
CREATE UNIQUE INDEX "BmcObservation_chainSeq_key" ON "BmcObservation"("chainSeq");

-- Hand-written: SQLite has no TRUNCATE; DELETE (with or without WHERE) is refused by the row triggers.
