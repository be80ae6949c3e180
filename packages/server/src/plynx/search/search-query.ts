// What the two search routes ask their repositories for, once the body and its search string are parsed.

export interface TextSearch {
  /** Words matched against title and description; a document matches when any word does (as MongoDB's $text). */
  words: string[];
}

export interface Page {
  offset: number;
  perPage: number;
}

export type SortDirection = 'asc' | 'desc';
