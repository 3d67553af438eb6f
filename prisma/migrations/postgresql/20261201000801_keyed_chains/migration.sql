-- AlterTable
ALTER TABLE "AuditLog" ADD COLUMN     "hashVersion" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "AssetEvent" ADD COLUMN     "chainSeq" INTEGER,
ADD COLUMN     "hash" TEXT,
ADD COLUMN     "prevHash" TEXT;

-- AlterTable
ALTER TABLE "BmcObservation" ADD COLUMN     "chainSeq" INTEGER,
ADD COLUMN     "hash" TEXT,
ADD COLUMN     "prevHash" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "AssetEvent_chainSeq_key" ON "AssetEvent"("chainSeq");

-- CreateIndex
CREATE UNIQUE INDEX "BmcObservation_chainSeq_key" ON "BmcObservation"("chainSeq");

-- Hand-written: TRUNCATE skips row triggers; refuse it per statement on the append-only tables.
CREATE FUNCTION ironledger_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: TRUNCATE is refused', TG_TABLE_NAME;
END
$$;
CREATE TRIGGER "AuditLog_no_truncate" BEFORE TRUNCATE ON "AuditLog" FOR EACH STATEMENT EXECUTE FUNCTION ironledger_no_truncate();
CREATE TRIGGER "AssetEvent_no_truncate" BEFORE TRUNCATE ON "AssetEvent" FOR EACH STATEMENT EXECUTE FUNCTION ironledger_no_truncate();
CREATE TRIGGER "BmcObservation_no_truncate" BEFORE TRUNCATE ON "BmcObservation" FOR EACH STATEMENT EXECUTE FUNCTION ironledger_no_truncate();
