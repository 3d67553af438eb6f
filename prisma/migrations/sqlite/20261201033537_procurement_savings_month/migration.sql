-- CreateTable
CREATE TABLE "PurchaseOrderSavingsMonth" (
    "vendorId" TEXT NOT NULL,
    "month" TEXT NOT NULL,
    "budgetBase" REAL NOT NULL DEFAULT 0,
    "budgetAwarded" REAL NOT NULL DEFAULT 0,
    "budgetLines" INTEGER NOT NULL DEFAULT 0,
    "firstBase" REAL NOT NULL DEFAULT 0,
    "firstAwarded" REAL NOT NULL DEFAULT 0,
    "firstLines" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("vendorId", "month")
);
