-- CreateIndex
CREATE INDEX "dioptra_job_content_key_idx" ON "dioptra_job"("content_key");
