-- AlterTable
ALTER TABLE "torc_workflow" ADD COLUMN "creator" TEXT;

-- CreateTable
CREATE TABLE "torc_workflow_share" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "workflow_id" INTEGER NOT NULL,
    "username" TEXT NOT NULL,
    "access" TEXT NOT NULL,
    CONSTRAINT "torc_workflow_share_workflow_id_fkey" FOREIGN KEY ("workflow_id") REFERENCES "torc_workflow" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "torc_workflow_share_username_idx" ON "torc_workflow_share"("username");

-- CreateIndex
CREATE UNIQUE INDEX "torc_workflow_share_workflow_id_username_key" ON "torc_workflow_share"("workflow_id", "username");

-- CreateIndex
CREATE INDEX "torc_workflow_creator_idx" ON "torc_workflow"("creator");
