-- CreateIndex
CREATE UNIQUE INDEX "dioptra_job_content_key_key" ON "dioptra_job"("content_key");
