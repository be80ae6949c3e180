// Which job ids name a run Pipeloom knows. This is Flow's one read of other families' tables, read-only and
// limited to existence: Flow assigns pipelines to runs that Torc and PLynx own, and neither family exposes a
// lookup for it. Accepted forms: a Torc workflow key (decimal digits) of an existing workflow, and a PLynx
// graph id (24 hexadecimal digits) of a graph that has been run. Dioptra job ids are not accepted yet.
import { sql, type Row, type SqlClient } from '../../db/sql.ts';

const TORC_KEY = /^[1-9][0-9]{0,14}$/;
const PLYNX_GRAPH_ID = /^[0-9a-f]{24}$/;

export function jobDirectory(db: SqlClient) {
  return {
    async exists(jobId: string): Promise<boolean> {
      let rows: Row[] = [];
      if (TORC_KEY.test(jobId)) rows = await db.$queryRaw<Row[]>(sql`SELECT id FROM torc_workflow WHERE id = ${Number(jobId)}`);
      else if (PLYNX_GRAPH_ID.test(jobId)) rows = await db.$queryRaw<Row[]>(sql`SELECT graph_id FROM plynx_run WHERE graph_id = ${jobId}`);
      return rows.length > 0;
    },
  };
}

export type JobDirectory = ReturnType<typeof jobDirectory>;
