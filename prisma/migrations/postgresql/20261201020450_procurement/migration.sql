-- AlterTable
ALTER TABLE "HardwareModel" ADD COLUMN     "typicalPowerW" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Vendor" ADD COLUMN     "leadTimeSlaDays" INTEGER NOT NULL DEFAULT 30,
ADD COLUMN     "supportResponseHours" INTEGER NOT NULL DEFAULT 24,
ADD COLUMN     "warrantyYears" INTEGER NOT NULL DEFAULT 3;

-- CreateTable
CREATE TABLE "VendorContact" (
    "id" TEXT NOT NULL,
    "vendorId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT,
    "phone" TEXT,
    "role" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "VendorContact_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "VendorModelPrice" (
    "id" TEXT NOT NULL,
    "vendorId" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "listPrice" DOUBLE PRECISION NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "VendorModelPrice_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProcurementSettings" (
    "id" TEXT NOT NULL,
    "pue" DOUBLE PRECISION NOT NULL,
    "tariffPerKwh" DOUBLE PRECISION NOT NULL,
    "afr" DOUBLE PRECISION NOT NULL,
    "costPerFailure" DOUBLE PRECISION NOT NULL,
    "costPerUMonth" DOUBLE PRECISION NOT NULL,
    "discountRate" DOUBLE PRECISION NOT NULL,
    "weightTco" DOUBLE PRECISION NOT NULL,
    "weightLeadTime" DOUBLE PRECISION NOT NULL,
    "weightSla" DOUBLE PRECISION NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ProcurementSettings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Rfq" (
    "id" TEXT NOT NULL,
    "number" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "horizonYears" INTEGER NOT NULL,
    "needBy" TIMESTAMP(3),
    "siteId" TEXT,
    "status" TEXT NOT NULL,
    "pue" DOUBLE PRECISION,
    "tariffPerKwh" DOUBLE PRECISION,
    "afr" DOUBLE PRECISION,
    "costPerFailure" DOUBLE PRECISION,
    "costPerUMonth" DOUBLE PRECISION,
    "discountRate" DOUBLE PRECISION,
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Rfq_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RfqLine" (
    "id" TEXT NOT NULL,
    "rfqId" TEXT NOT NULL,
    "lineNo" INTEGER NOT NULL,
    "modelId" TEXT,
    "spec" TEXT,
    "quantity" INTEGER NOT NULL,
    "budgetUnitPrice" DOUBLE PRECISION,

    CONSTRAINT "RfqLine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RfqVendor" (
    "id" TEXT NOT NULL,
    "rfqId" TEXT NOT NULL,
    "vendorId" TEXT NOT NULL,
    "invitedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RfqVendor_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Quote" (
    "id" TEXT NOT NULL,
    "rfqId" TEXT NOT NULL,
    "vendorId" TEXT NOT NULL,
    "round" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "declined" BOOLEAN NOT NULL DEFAULT false,
    "source" TEXT NOT NULL,
    "submittedAt" TIMESTAMP(3) NOT NULL,
    "createdById" TEXT NOT NULL,

    CONSTRAINT "Quote_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "QuoteLine" (
    "id" TEXT NOT NULL,
    "quoteId" TEXT NOT NULL,
    "rfqLineId" TEXT NOT NULL,
    "declined" BOOLEAN NOT NULL DEFAULT false,
    "unitPrice" DOUBLE PRECISION,
    "leadTimeDays" INTEGER,
    "warrantyYears" DOUBLE PRECISION,
    "supportPerYear" DOUBLE PRECISION,
    "typicalWatts" DOUBLE PRECISION,
    "nominalWatts" DOUBLE PRECISION,
    "validUntil" TIMESTAMP(3),

    CONSTRAINT "QuoteLine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PurchaseOrder" (
    "id" TEXT NOT NULL,
    "number" TEXT NOT NULL,
    "rfqId" TEXT,
    "vendorId" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "siteId" TEXT,
    "status" TEXT NOT NULL,
    "total" DOUBLE PRECISION NOT NULL,
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "issuedAt" TIMESTAMP(3),
    "receivedAt" TIMESTAMP(3),
    "closedAt" TIMESTAMP(3),
    "cancelledAt" TIMESTAMP(3),
    "version" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "PurchaseOrder_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PurchaseOrderLine" (
    "id" TEXT NOT NULL,
    "poId" TEXT NOT NULL,
    "lineNo" INTEGER NOT NULL,
    "rfqLineId" TEXT,
    "quoteLineId" TEXT,
    "modelId" TEXT,
    "spec" TEXT,
    "quantity" INTEGER NOT NULL,
    "unitPrice" DOUBLE PRECISION NOT NULL,
    "leadTimeDays" INTEGER NOT NULL,
    "expectedAt" TIMESTAMP(3),
    "baselineBudget" DOUBLE PRECISION,
    "baselineFirstRound" DOUBLE PRECISION,
    "receivedQty" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "PurchaseOrderLine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PurchaseOrderAsset" (
    "id" TEXT NOT NULL,
    "poLineId" TEXT NOT NULL,
    "assetId" TEXT NOT NULL,
    "vendorId" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3),
    "leadDays" DOUBLE PRECISION,
    "onTime" BOOLEAN,

    CONSTRAINT "PurchaseOrderAsset_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CapexBudget" (
    "id" TEXT NOT NULL,
    "siteId" TEXT NOT NULL,
    "quarter" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "amount" DOUBLE PRECISION NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CapexBudget_pkey" PRIMARY KEY ("id")
);

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

-- AddForeignKey
ALTER TABLE "RfqLine" ADD CONSTRAINT "RfqLine_rfqId_fkey" FOREIGN KEY ("rfqId") REFERENCES "Rfq"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RfqVendor" ADD CONSTRAINT "RfqVendor_rfqId_fkey" FOREIGN KEY ("rfqId") REFERENCES "Rfq"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Quote" ADD CONSTRAINT "Quote_rfqId_fkey" FOREIGN KEY ("rfqId") REFERENCES "Rfq"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "QuoteLine" ADD CONSTRAINT "QuoteLine_quoteId_fkey" FOREIGN KEY ("quoteId") REFERENCES "Quote"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "QuoteLine" ADD CONSTRAINT "QuoteLine_rfqLineId_fkey" FOREIGN KEY ("rfqLineId") REFERENCES "RfqLine"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PurchaseOrderLine" ADD CONSTRAINT "PurchaseOrderLine_poId_fkey" FOREIGN KEY ("poId") REFERENCES "PurchaseOrder"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PurchaseOrderAsset" ADD CONSTRAINT "PurchaseOrderAsset_poLineId_fkey" FOREIGN KEY ("poLineId") REFERENCES "PurchaseOrderLine"("id") ON DELETE CASCADE ON UPDATE CASCADE;
