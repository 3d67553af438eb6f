-- CreateTable
CREATE TABLE "LabelPrinter" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "port" INTEGER NOT NULL DEFAULT 9100,
    "language" TEXT NOT NULL DEFAULT 'zpl',
    "siteId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LabelPrinter_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LabelPrintJob" (
    "id" TEXT NOT NULL,
    "printerId" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "stock" TEXT NOT NULL,
    "items" TEXT NOT NULL,
    "labels" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "bytes" INTEGER,
    "error" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "LabelPrintJob_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WarehouseTransfer" (
    "id" TEXT NOT NULL,
    "fromSiteId" TEXT NOT NULL,
    "toSiteId" TEXT NOT NULL,
    "toLocationId" TEXT,
    "status" TEXT NOT NULL,
    "carrier" TEXT,
    "tracking" TEXT,
    "shippedBy" TEXT NOT NULL,
    "shippedAt" TIMESTAMP(3) NOT NULL,
    "receivedBy" TEXT,
    "receivedAt" TIMESTAMP(3),

    CONSTRAINT "WarehouseTransfer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WarehouseTransferLine" (
    "id" TEXT NOT NULL,
    "transferId" TEXT NOT NULL,
    "assetId" TEXT NOT NULL,
    "fromLocationId" TEXT,
    "receivedAt" TIMESTAMP(3),

    CONSTRAINT "WarehouseTransferLine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RfidReader" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "siteId" TEXT NOT NULL,
    "locationId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RfidReader_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RfidTag" (
    "epc" TEXT NOT NULL,
    "scheme" TEXT NOT NULL,
    "assetId" TEXT NOT NULL,
    "boundBy" TEXT NOT NULL,
    "boundAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RfidTag_pkey" PRIMARY KEY ("epc")
);

-- CreateTable
CREATE TABLE "WarehouseLead" (
    "userId" TEXT NOT NULL,
    "grantedBy" TEXT NOT NULL,
    "grantedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WarehouseLead_pkey" PRIMARY KEY ("userId")
);

-- CreateTable
CREATE TABLE "CycleCount" (
    "id" TEXT NOT NULL,
    "locationId" TEXT NOT NULL,
    "siteId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "openedBy" TEXT NOT NULL,
    "openedAt" TIMESTAMP(3) NOT NULL,
    "reconciledAt" TIMESTAMP(3),
    "approvedBy" TEXT,
    "approvedAt" TIMESTAMP(3),

    CONSTRAINT "CycleCount_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CycleCountLine" (
    "id" TEXT NOT NULL,
    "countId" TEXT NOT NULL,
    "assetId" TEXT,
    "code" TEXT NOT NULL,
    "expectedLocationId" TEXT,
    "foundLocationId" TEXT,
    "result" TEXT NOT NULL,
    "seenAt" TIMESTAMP(3),
    "source" TEXT,
    "expected" BOOLEAN NOT NULL DEFAULT false,
    "adjusted" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "CycleCountLine_pkey" PRIMARY KEY ("id")
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

-- AddForeignKey
ALTER TABLE "WarehouseTransferLine" ADD CONSTRAINT "WarehouseTransferLine_transferId_fkey" FOREIGN KEY ("transferId") REFERENCES "WarehouseTransfer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CycleCountLine" ADD CONSTRAINT "CycleCountLine_countId_fkey" FOREIGN KEY ("countId") REFERENCES "CycleCount"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
