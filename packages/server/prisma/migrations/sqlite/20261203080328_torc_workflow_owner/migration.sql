-- AlterTable
ALTER TABLE "torc_workflow" ADD COLUMN "owned_by" TEXT;

-- CreateIndex
CREATE INDEX "torc_workflow_owned_by_idx" ON "torc_workflow"("owned_by");
