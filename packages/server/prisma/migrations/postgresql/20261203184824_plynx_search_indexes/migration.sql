-- DropIndex
DROP INDEX "dioptra_job_created_on_idx";

-- DropIndex
DROP INDEX "plynx_graph_author_name_insertion_date_idx";

-- DropIndex
DROP INDEX "plynx_graph_graph_running_status_idx";

-- DropIndex
DROP INDEX "plynx_graph_insertion_date_idx";

-- DropIndex
DROP INDEX "plynx_graph_update_date_idx";

-- DropIndex
DROP INDEX "plynx_graph_title_idx";

-- DropIndex
DROP INDEX "plynx_node_author_name_insertion_date_idx";

-- DropIndex
DROP INDEX "plynx_node_node_status_idx";

-- DropIndex
DROP INDEX "plynx_node_base_node_name_idx";

-- DropIndex
DROP INDEX "plynx_node_insertion_date_idx";

-- DropIndex
DROP INDEX "plynx_node_title_idx";

-- CreateIndex
CREATE INDEX "dioptra_job_created_on_job_id_idx" ON "dioptra_job"("created_on", "job_id");

-- CreateIndex
CREATE INDEX "plynx_graph_author_name_insertion_date_id_idx" ON "plynx_graph"("author_name", "insertion_date", "id");

-- CreateIndex
CREATE INDEX "plynx_graph_graph_running_status_id_idx" ON "plynx_graph"("graph_running_status", "id");

-- CreateIndex
CREATE INDEX "plynx_graph_insertion_date_id_idx" ON "plynx_graph"("insertion_date", "id");

-- CreateIndex
CREATE INDEX "plynx_graph_update_date_id_idx" ON "plynx_graph"("update_date", "id");

-- CreateIndex
CREATE INDEX "plynx_graph_title_id_idx" ON "plynx_graph"("title", "id");

-- CreateIndex
CREATE INDEX "plynx_node_author_name_insertion_date_id_idx" ON "plynx_node"("author_name", "insertion_date", "id");

-- CreateIndex
CREATE INDEX "plynx_node_node_status_insertion_date_id_idx" ON "plynx_node"("node_status", "insertion_date", "id");

-- CreateIndex
CREATE INDEX "plynx_node_base_node_name_insertion_date_id_idx" ON "plynx_node"("base_node_name", "insertion_date", "id");

-- CreateIndex
CREATE INDEX "plynx_node_insertion_date_id_idx" ON "plynx_node"("insertion_date", "id");

-- CreateIndex
CREATE INDEX "plynx_node_starred_insertion_date_id_idx" ON "plynx_node"("starred", "insertion_date", "id");

-- Free-text search over title and description (plynx/search/text-filter.ts), outside Prisma's schema (its
-- schema is shared with SQLite, which has no GIN): trigram indexes that ILIKE '%word%' uses for words of 3
-- or more characters. pg_trgm is a trusted extension, so the database owner may create it.
CREATE EXTENSION IF NOT EXISTS "pg_trgm";
CREATE INDEX "plynx_graph_title_trgm_idx" ON "plynx_graph" USING GIN ("title" gin_trgm_ops);
CREATE INDEX "plynx_graph_description_trgm_idx" ON "plynx_graph" USING GIN ("description" gin_trgm_ops);
CREATE INDEX "plynx_node_title_trgm_idx" ON "plynx_node" USING GIN ("title" gin_trgm_ops);
CREATE INDEX "plynx_node_description_trgm_idx" ON "plynx_node" USING GIN ("description" gin_trgm_ops);
