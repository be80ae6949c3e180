-- DropIndex
DROP INDEX "dioptra_job_created_on_idx";

-- DropIndex
DROP INDEX "plynx_graph_title_idx";

-- DropIndex
DROP INDEX "plynx_graph_update_date_idx";

-- DropIndex
DROP INDEX "plynx_graph_insertion_date_idx";

-- DropIndex
DROP INDEX "plynx_graph_graph_running_status_idx";

-- DropIndex
DROP INDEX "plynx_graph_author_name_insertion_date_idx";

-- DropIndex
DROP INDEX "plynx_node_title_idx";

-- DropIndex
DROP INDEX "plynx_node_insertion_date_idx";

-- DropIndex
DROP INDEX "plynx_node_base_node_name_idx";

-- DropIndex
DROP INDEX "plynx_node_node_status_idx";

-- DropIndex
DROP INDEX "plynx_node_author_name_insertion_date_idx";

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

-- Free-text search over title and description (plynx/search/text-filter.ts), outside Prisma's schema:
-- FTS5 indexes of trigrams, one per searchable table, that answer "contains this word" for words of 3 or
-- more characters, case-insensitively. They index the table's own rows (external content, by rowid) and
-- triggers keep them in step with every write. VACUUM may renumber the rowids of these tables (their key
-- is text); after one, rebuild each index: INSERT INTO plynx_graph_text(plynx_graph_text) VALUES ('rebuild').
CREATE VIRTUAL TABLE "plynx_graph_text" USING fts5("title", "description", content = 'plynx_graph', content_rowid = 'rowid', tokenize = 'trigram');
INSERT INTO "plynx_graph_text"("plynx_graph_text") VALUES ('rebuild');
CREATE TRIGGER "plynx_graph_text_insert" AFTER INSERT ON "plynx_graph" BEGIN
  INSERT INTO "plynx_graph_text"("rowid", "title", "description") VALUES (new."rowid", new."title", new."description");
END;
CREATE TRIGGER "plynx_graph_text_delete" AFTER DELETE ON "plynx_graph" BEGIN
  INSERT INTO "plynx_graph_text"("plynx_graph_text", "rowid", "title", "description") VALUES ('delete', old."rowid", old."title", old."description");
END;
CREATE TRIGGER "plynx_graph_text_update" AFTER UPDATE OF "title", "description" ON "plynx_graph" BEGIN
  INSERT INTO "plynx_graph_text"("plynx_graph_text", "rowid", "title", "description") VALUES ('delete', old."rowid", old."title", old."description");
  INSERT INTO "plynx_graph_text"("rowid", "title", "description") VALUES (new."rowid", new."title", new."description");
END;

CREATE VIRTUAL TABLE "plynx_node_text" USING fts5("title", "description", content = 'plynx_node', content_rowid = 'rowid', tokenize = 'trigram');
INSERT INTO "plynx_node_text"("plynx_node_text") VALUES ('rebuild');
CREATE TRIGGER "plynx_node_text_insert" AFTER INSERT ON "plynx_node" BEGIN
  INSERT INTO "plynx_node_text"("rowid", "title", "description") VALUES (new."rowid", new."title", new."description");
END;
CREATE TRIGGER "plynx_node_text_delete" AFTER DELETE ON "plynx_node" BEGIN
  INSERT INTO "plynx_node_text"("plynx_node_text", "rowid", "title", "description") VALUES ('delete', old."rowid", old."title", old."description");
END;
CREATE TRIGGER "plynx_node_text_update" AFTER UPDATE OF "title", "description" ON "plynx_node" BEGIN
  INSERT INTO "plynx_node_text"("plynx_node_text", "rowid", "title", "description") VALUES ('delete', old."rowid", old."title", old."description");
  INSERT INTO "plynx_node_text"("rowid", "title", "description") VALUES (new."rowid", new."title", new."description");
END;
