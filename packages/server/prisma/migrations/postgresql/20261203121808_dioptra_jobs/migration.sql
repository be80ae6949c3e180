-- CreateTable
CREATE TABLE "dioptra_job" (
    "job_id" TEXT NOT NULL,
    "experiment_id" INTEGER NOT NULL,
    "queue_id" INTEGER NOT NULL,
    "created_on" TIMESTAMP(3) NOT NULL,
    "last_modified" TIMESTAMP(3) NOT NULL,
    "timeout" TEXT,
    "workflow_uri" TEXT NOT NULL,
    "workflow_file_name" TEXT NOT NULL,
    "content_key" TEXT NOT NULL,
    "entry_point" TEXT NOT NULL,
    "entry_point_kwargs" TEXT,
    "depends_on" TEXT,
    "status" TEXT NOT NULL,
    "mlflow_run_id" TEXT,
    "run_workflow_key" TEXT,
    "log_key" TEXT,
    "submitted_by" TEXT NOT NULL,

    CONSTRAINT "dioptra_job_pkey" PRIMARY KEY ("job_id")
);

-- CreateIndex
CREATE INDEX "dioptra_job_depends_on_idx" ON "dioptra_job"("depends_on");

-- CreateIndex
CREATE INDEX "dioptra_job_created_on_idx" ON "dioptra_job"("created_on");

-- AddForeignKey
ALTER TABLE "dioptra_job" ADD CONSTRAINT "dioptra_job_experiment_id_fkey" FOREIGN KEY ("experiment_id") REFERENCES "dioptra_experiment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dioptra_job" ADD CONSTRAINT "dioptra_job_queue_id_fkey" FOREIGN KEY ("queue_id") REFERENCES "dioptra_queue"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
