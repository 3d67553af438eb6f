-- CreateTable
CREATE TABLE "LabelPrinter" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "port" INTEGER NOT NULL DEFAULT 9100,
    "language" TEXT NOT NULL DEFAULT 'zpl',
    "siteId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "LabelPrintJob" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "printerId" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "stock" TEXT NOT NULL,
    "items" TEXT NOT NULL,
    "labels" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "bytes" INTEGER,
    "error" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "sentAt" DATETIME
);

-- CreateTable
CREATE TABLE "WarehouseTransfer" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "fromSiteId" TEXT NOT NULL,
    "toSiteId" TEXT NOT NULL,
    "toLocationId" TEXT,
    "status" TEXT NOT NULL,
    "carrier" TEXT,
    "tracking" TEXT,
    "shippedBy" TEXT NOT NULL,
    "shippedAt" DATETIME NOT NULL,
    "receivedBy" TEXT,
    "receivedAt" DATETIME
);

-- CreateTable
CREATE TABLE "WarehouseTransferLine" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "transferId" TEXT NOT NULL,
    "assetId" TEXT NOT NULL,
    "fromLocationId" TEXT,
    "receivedAt" DATETIME,
    CONSTRAINT "WarehouseTransferLine_transferId_fkey" FOREIGN KEY ("transferId") REFERENCES "WarehouseTransfer" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "RfidReader" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "siteId" TEXT NOT NULL,
    "locationId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "RfidTag" (
    "epc" TEXT NOT NULL PRIMARY KEY,
    "scheme" TEXT NOT NULL,
    "assetId" TEXT NOT NULL,
    "boundBy" TEXT NOT NULL,
    "boundAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "WarehouseLead" (
    "userId" TEXT NOT NULL PRIMARY KEY,
    "grantedBy" TEXT NOT NULL,
    "grantedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "CycleCount" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "locationId" TEXT NOT NULL,
    "siteId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "openedBy" TEXT NOT NULL,
    "openedAt" DATETIME NOT NULL,
    "reconciledAt" DATETIME,
    "approvedBy" TEXT,
    "approvedAt" DATETIME
);

-- CreateTable
CREATE TABLE "CycleCountLine" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "countId" TEXT NOT NULL,
    "assetId" TEXT,
    "code" TEXT NOT NULL,
    "expectedLocationId" TEXT,
    "foundLocationId" TEXT,
    "result" TEXT NOT NULL,
    "seenAt" DATETIME,
    "source" TEXT,
    "expected" BOOLEAN NOT NULL DEFAULT false,
    "adjusted" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "CycleCountLine_countId_fkey" FOREIGN KEY ("countId") REFERENCES "CycleCount" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "LabelPrinter_name_key" ON "LabelPrinter"("name");

-- CreateIndex
CREATE INDEX "LabelPrintJob_printerId_createdAt_id_idx" ON "LabelPrintJob"("printerId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "WarehouseTransfer_status_shippedAt_idx" ON "WarehouseTransfer"("status", "shippedAt");

-- CreateIndex
CREATE INDEX "WarehouseTransferLine_assetId_idx" ON "WarehouseTransferLine"("assetId");

-- CreateIndex
CREATE UNIQUE INDEX "WarehouseTransferLine_transferId_assetId_key" ON "WarehouseTransferLine"("transferId", "assetId");

-- CreateIndex
CREATE INDEX "RfidTag_assetId_idx" ON "RfidTag"("assetId");

-- CreateIndex
CREATE INDEX "CycleCount_siteId_reconciledAt_idx" ON "CycleCount"("siteId", "reconciledAt");

-- CreateIndex
CREATE INDEX "CycleCount_locationId_status_idx" ON "CycleCount"("locationId", "status");

-- CreateIndex
CREATE INDEX "CycleCountLine_countId_result_idx" ON "CycleCountLine"("countId", "result");

-- CreateIndex
CREATE INDEX "CycleCountLine_assetId_idx" ON "CycleCountLine"("assetId");

-- CreateIndex
CREATE UNIQUE INDEX "CycleCountLine_countId_code_key" ON "CycleCountLine"("countId", "code");
