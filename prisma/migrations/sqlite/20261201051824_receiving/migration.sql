-- CreateTable
CREATE TABLE "Receipt" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "number" TEXT NOT NULL,
    "poId" TEXT NOT NULL,
    "asnId" TEXT,
    "locationId" TEXT,
    "status" TEXT NOT NULL,
    "createdById" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "closedAt" DATETIME,
    "report" TEXT
);

-- CreateTable
CREATE TABLE "ReceiptScan" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "receiptId" TEXT NOT NULL,
    "poId" TEXT NOT NULL,
    "clientScanId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "poLineId" TEXT,
    "assetId" TEXT,
    "modelId" TEXT,
    "actorId" TEXT NOT NULL,
    "at" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Asn" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "poId" TEXT NOT NULL,
    "reference" TEXT NOT NULL,
    "createdById" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "AsnItem" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "asnId" TEXT NOT NULL,
    "poId" TEXT NOT NULL,
    "poLineId" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "carton" TEXT NOT NULL,
    "partNumber" TEXT NOT NULL,
    "serial" TEXT NOT NULL,
    "mac" TEXT,
    "assetId" TEXT,
    CONSTRAINT "AsnItem_asnId_fkey" FOREIGN KEY ("asnId") REFERENCES "Asn" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ReceivingSettings" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "tagMode" TEXT NOT NULL,
    "tagPrefix" TEXT NOT NULL,
    "tagDigits" INTEGER NOT NULL,
    "tagNext" INTEGER NOT NULL,
    "defaultBinId" TEXT,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "Receipt_number_key" ON "Receipt"("number");

-- CreateIndex
CREATE INDEX "Receipt_poId_status_idx" ON "Receipt"("poId", "status");

-- CreateIndex
CREATE INDEX "Receipt_status_createdAt_id_idx" ON "Receipt"("status", "createdAt", "id");

-- CreateIndex
CREATE INDEX "ReceiptScan_receiptId_at_idx" ON "ReceiptScan"("receiptId", "at");

-- CreateIndex
CREATE INDEX "ReceiptScan_poLineId_outcome_idx" ON "ReceiptScan"("poLineId", "outcome");

-- CreateIndex
CREATE INDEX "ReceiptScan_poId_outcome_idx" ON "ReceiptScan"("poId", "outcome");

-- CreateIndex
CREATE UNIQUE INDEX "ReceiptScan_receiptId_clientScanId_key" ON "ReceiptScan"("receiptId", "clientScanId");

-- CreateIndex
CREATE UNIQUE INDEX "Asn_poId_reference_key" ON "Asn"("poId", "reference");

-- CreateIndex
CREATE INDEX "AsnItem_asnId_idx" ON "AsnItem"("asnId");

-- CreateIndex
CREATE UNIQUE INDEX "AsnItem_poId_serial_key" ON "AsnItem"("poId", "serial");
