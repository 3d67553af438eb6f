-- CreateTable
CREATE TABLE "VendorContact" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "vendorId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT,
    "phone" TEXT,
    "role" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "VendorModelPrice" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "vendorId" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "listPrice" REAL NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ProcurementSettings" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "pue" REAL NOT NULL,
    "tariffPerKwh" REAL NOT NULL,
    "afr" REAL NOT NULL,
    "costPerFailure" REAL NOT NULL,
    "costPerUMonth" REAL NOT NULL,
    "discountRate" REAL NOT NULL,
    "weightTco" REAL NOT NULL,
    "weightLeadTime" REAL NOT NULL,
    "weightSla" REAL NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Rfq" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "number" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "horizonYears" INTEGER NOT NULL,
    "needBy" DATETIME,
    "siteId" TEXT,
    "status" TEXT NOT NULL,
    "pue" REAL,
    "tariffPerKwh" REAL,
    "afr" REAL,
    "costPerFailure" REAL,
    "costPerUMonth" REAL,
    "discountRate" REAL,
    "createdById" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "RfqLine" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "rfqId" TEXT NOT NULL,
    "lineNo" INTEGER NOT NULL,
    "modelId" TEXT,
    "spec" TEXT,
    "quantity" INTEGER NOT NULL,
    "budgetUnitPrice" REAL,
    CONSTRAINT "RfqLine_rfqId_fkey" FOREIGN KEY ("rfqId") REFERENCES "Rfq" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "RfqVendor" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "rfqId" TEXT NOT NULL,
    "vendorId" TEXT NOT NULL,
    "invitedAt" DATETIME NOT NULL,
    CONSTRAINT "RfqVendor_rfqId_fkey" FOREIGN KEY ("rfqId") REFERENCES "Rfq" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Quote" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "rfqId" TEXT NOT NULL,
    "vendorId" TEXT NOT NULL,
    "round" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "declined" BOOLEAN NOT NULL DEFAULT false,
    "source" TEXT NOT NULL,
    "submittedAt" DATETIME NOT NULL,
    "createdById" TEXT NOT NULL,
    CONSTRAINT "Quote_rfqId_fkey" FOREIGN KEY ("rfqId") REFERENCES "Rfq" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "QuoteLine" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "quoteId" TEXT NOT NULL,
    "rfqLineId" TEXT NOT NULL,
    "declined" BOOLEAN NOT NULL DEFAULT false,
    "unitPrice" REAL,
    "leadTimeDays" INTEGER,
    "warrantyYears" REAL,
    "supportPerYear" REAL,
    "typicalWatts" REAL,
    "nominalWatts" REAL,
    "validUntil" DATETIME,
    CONSTRAINT "QuoteLine_quoteId_fkey" FOREIGN KEY ("quoteId") REFERENCES "Quote" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "QuoteLine_rfqLineId_fkey" FOREIGN KEY ("rfqLineId") REFERENCES "RfqLine" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PurchaseOrder" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "number" TEXT NOT NULL,
    "rfqId" TEXT,
    "vendorId" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "siteId" TEXT,
    "status" TEXT NOT NULL,
    "total" REAL NOT NULL,
    "createdById" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "issuedAt" DATETIME,
    "receivedAt" DATETIME,
    "closedAt" DATETIME,
    "cancelledAt" DATETIME,
    "version" INTEGER NOT NULL DEFAULT 0
);

-- CreateTable
CREATE TABLE "PurchaseOrderLine" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "poId" TEXT NOT NULL,
    "lineNo" INTEGER NOT NULL,
    "rfqLineId" TEXT,
    "quoteLineId" TEXT,
    "modelId" TEXT,
    "spec" TEXT,
    "quantity" INTEGER NOT NULL,
    "unitPrice" REAL NOT NULL,
    "leadTimeDays" INTEGER NOT NULL,
    "expectedAt" DATETIME,
    "baselineBudget" REAL,
    "baselineFirstRound" REAL,
    "receivedQty" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "PurchaseOrderLine_poId_fkey" FOREIGN KEY ("poId") REFERENCES "PurchaseOrder" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PurchaseOrderAsset" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "poLineId" TEXT NOT NULL,
    "assetId" TEXT NOT NULL,
    "vendorId" TEXT NOT NULL,
    "receivedAt" DATETIME,
    "leadDays" REAL,
    "onTime" BOOLEAN,
    CONSTRAINT "PurchaseOrderAsset_poLineId_fkey" FOREIGN KEY ("poLineId") REFERENCES "PurchaseOrderLine" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CapexBudget" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "siteId" TEXT NOT NULL,
    "quarter" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "amount" REAL NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_HardwareModel" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "manufacturerId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "partNumber" TEXT NOT NULL,
    "heightU" INTEGER NOT NULL DEFAULT 0,
    "nominalPowerW" INTEGER NOT NULL DEFAULT 0,
    "typicalPowerW" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "HardwareModel_manufacturerId_fkey" FOREIGN KEY ("manufacturerId") REFERENCES "Manufacturer" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_HardwareModel" ("createdAt", "heightU", "id", "kind", "manufacturerId", "name", "nominalPowerW", "partNumber", "updatedAt") SELECT "createdAt", "heightU", "id", "kind", "manufacturerId", "name", "nominalPowerW", "partNumber", "updatedAt" FROM "HardwareModel";
DROP TABLE "HardwareModel";
ALTER TABLE "new_HardwareModel" RENAME TO "HardwareModel";
CREATE UNIQUE INDEX "HardwareModel_manufacturerId_partNumber_key" ON "HardwareModel"("manufacturerId", "partNumber");
CREATE TABLE "new_Vendor" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "contactEmail" TEXT,
    "rmaSlaDays" INTEGER NOT NULL DEFAULT 5,
    "leadTimeSlaDays" INTEGER NOT NULL DEFAULT 30,
    "supportResponseHours" INTEGER NOT NULL DEFAULT 24,
    "warrantyYears" INTEGER NOT NULL DEFAULT 3,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Vendor" ("contactEmail", "createdAt", "id", "name", "rmaSlaDays", "updatedAt") SELECT "contactEmail", "createdAt", "id", "name", "rmaSlaDays", "updatedAt" FROM "Vendor";
DROP TABLE "Vendor";
ALTER TABLE "new_Vendor" RENAME TO "Vendor";
CREATE UNIQUE INDEX "Vendor_name_key" ON "Vendor"("name");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "VendorContact_vendorId_idx" ON "VendorContact"("vendorId");

-- CreateIndex
CREATE INDEX "VendorModelPrice_modelId_idx" ON "VendorModelPrice"("modelId");

-- CreateIndex
CREATE UNIQUE INDEX "VendorModelPrice_vendorId_modelId_currency_key" ON "VendorModelPrice"("vendorId", "modelId", "currency");

-- CreateIndex
CREATE UNIQUE INDEX "Rfq_number_key" ON "Rfq"("number");

-- CreateIndex
CREATE INDEX "Rfq_createdAt_id_idx" ON "Rfq"("createdAt", "id");

-- CreateIndex
CREATE UNIQUE INDEX "RfqLine_rfqId_lineNo_key" ON "RfqLine"("rfqId", "lineNo");

-- CreateIndex
CREATE UNIQUE INDEX "RfqVendor_rfqId_vendorId_key" ON "RfqVendor"("rfqId", "vendorId");

-- CreateIndex
CREATE UNIQUE INDEX "Quote_rfqId_vendorId_round_key" ON "Quote"("rfqId", "vendorId", "round");

-- CreateIndex
CREATE INDEX "QuoteLine_rfqLineId_idx" ON "QuoteLine"("rfqLineId");

-- CreateIndex
CREATE UNIQUE INDEX "QuoteLine_quoteId_rfqLineId_key" ON "QuoteLine"("quoteId", "rfqLineId");

-- CreateIndex
CREATE UNIQUE INDEX "PurchaseOrder_number_key" ON "PurchaseOrder"("number");

-- CreateIndex
CREATE INDEX "PurchaseOrder_status_createdAt_id_idx" ON "PurchaseOrder"("status", "createdAt", "id");

-- CreateIndex
CREATE INDEX "PurchaseOrder_vendorId_issuedAt_idx" ON "PurchaseOrder"("vendorId", "issuedAt");

-- CreateIndex
CREATE INDEX "PurchaseOrder_issuedAt_idx" ON "PurchaseOrder"("issuedAt");

-- CreateIndex
CREATE INDEX "PurchaseOrder_rfqId_idx" ON "PurchaseOrder"("rfqId");

-- CreateIndex
CREATE UNIQUE INDEX "PurchaseOrderLine_poId_lineNo_key" ON "PurchaseOrderLine"("poId", "lineNo");

-- CreateIndex
CREATE UNIQUE INDEX "PurchaseOrderAsset_assetId_key" ON "PurchaseOrderAsset"("assetId");

-- CreateIndex
CREATE INDEX "PurchaseOrderAsset_poLineId_idx" ON "PurchaseOrderAsset"("poLineId");

-- CreateIndex
CREATE INDEX "PurchaseOrderAsset_vendorId_receivedAt_idx" ON "PurchaseOrderAsset"("vendorId", "receivedAt");

-- CreateIndex
CREATE INDEX "PurchaseOrderAsset_receivedAt_idx" ON "PurchaseOrderAsset"("receivedAt");

-- CreateIndex
CREATE UNIQUE INDEX "CapexBudget_siteId_quarter_currency_key" ON "CapexBudget"("siteId", "quarter", "currency");
