-- DropIndex
DROP INDEX "Asset_serial_idx";

-- DropIndex
DROP INDEX "Asset_status_updatedAt_idx";

-- DropIndex
DROP INDEX "Asset_updatedAt_idx";

-- DropIndex
DROP INDEX "Asset_modelId_updatedAt_idx";

-- DropIndex
DROP INDEX "Asset_locationId_updatedAt_idx";

-- CreateIndex
CREATE INDEX "Asset_serial_id_idx" ON "Asset"("serial", "id");

-- CreateIndex
CREATE INDEX "Asset_status_updatedAt_id_idx" ON "Asset"("status", "updatedAt", "id");

-- CreateIndex
CREATE INDEX "Asset_updatedAt_id_idx" ON "Asset"("updatedAt", "id");

-- CreateIndex
CREATE INDEX "Asset_createdAt_id_idx" ON "Asset"("createdAt", "id");

-- CreateIndex
CREATE INDEX "Asset_modelId_updatedAt_id_idx" ON "Asset"("modelId", "updatedAt", "id");

-- CreateIndex
CREATE INDEX "Asset_modelId_status_updatedAt_id_idx" ON "Asset"("modelId", "status", "updatedAt", "id");

-- CreateIndex
CREATE INDEX "Asset_locationId_updatedAt_id_idx" ON "Asset"("locationId", "updatedAt", "id");

-- CreateIndex
CREATE INDEX "Asset_locationId_status_updatedAt_id_idx" ON "Asset"("locationId", "status", "updatedAt", "id");
