-- DropIndex
DROP INDEX "SatAssetFact_doa_receivedMonth_idx";

-- DropIndex
DROP INDEX "SatInstall_passedAt_idx";

-- DropIndex
DROP INDEX "SatInstall_siteId_passedAt_idx";

-- CreateIndex
CREATE INDEX "SatAssetFact_doa_receivedMonth_assetId_idx" ON "SatAssetFact"("doa", "receivedMonth", "assetId");

-- CreateIndex
CREATE INDEX "SatInstall_passedAt_id_idx" ON "SatInstall"("passedAt", "id");

-- CreateIndex
CREATE INDEX "SatInstall_siteId_passedAt_id_idx" ON "SatInstall"("siteId", "passedAt", "id");
