-- AlterTable
ALTER TABLE "torc_workflow" ADD COLUMN "queue" TEXT;

-- CreateIndex
CREATE INDEX "torc_workflow_queue_idx" ON "torc_workflow"("queue");
