// Free text of a search: any word found in the title or the description matches (MongoDB's $text ORs its
// words), as a substring, case-insensitively. Both databases answer it from a trigram index (see the
// plynx_search_indexes migration): SQLite's FTS5 `trigram` tables and PostgreSQL's pg_trgm GIN indexes under
// ILIKE. A trigram index cannot answer a word shorter than 3 characters; such a search reads every row
// (SQLite's LIKE, which ignores ASCII case only, where the FTS5 index folds Unicode case too).
import { join, sql, type Fragment } from '../../db/sql.ts';
import type { TextSearch } from './search-query.ts';
import { TEXT_INDEXES, type SearchSql, type SearchableTable } from './search-sql.ts';

const TRIGRAM = 3;

/** `word` as a LIKE pattern matching it anywhere, its wildcards taken literally (escaped with `\`). */
const containsPattern = (word: string) => `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** `word` as an FTS5 phrase: double quotes doubled, so any character is taken literally. */
const phrase = (word: string) => `"${word.replaceAll('"', '""')}"`;

/** The condition on rows of `table` (unaliased) that the words ask for, or null when there are none. */
export function textCondition(q: SearchSql, table: SearchableTable, { words }: TextSearch): Fragment | null {
  if (!words.length) return null;
  if (q.provider === 'postgresql') {
    return sql`(${join(words.map((w) => sql`"title" ILIKE ${containsPattern(w)} OR "description" ILIKE ${containsPattern(w)}`), ' OR ')})`;
  }
  if (words.every((w) => [...w].length >= TRIGRAM)) {
    // The FTS5 table shares the searched table's rowids; a phrase of a trigram table matches as a substring.
    // The unary `+` keeps SQLite from looking every match up by rowid and sorting them (60 ms for a word in
    // all of 10,000 titles): it walks the sort order's index instead, testing each entry against the matches
    // (a Bloom filter), about 0.6 ms per 10,000 rows however many match.
    const index = q.table(TEXT_INDEXES[table]);
    return sql`+"rowid" IN (SELECT "rowid" FROM ${index} WHERE ${index} MATCH ${words.map(phrase).join(' OR ')})`;
  }
  return sql`(${join(words.map((w) => sql`"title" LIKE ${containsPattern(w)} ESCAPE '\\' OR "description" LIKE ${containsPattern(w)} ESCAPE '\\'`), ' OR ')})`;
}
