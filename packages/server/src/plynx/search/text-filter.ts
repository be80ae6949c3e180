// Free text of a search: any word found in the title or the description matches (MongoDB's $text ORs its
// words). PostgreSQL compares case-insensitively on request; SQLite's LIKE already ignores ASCII case.
import type { TextSearch } from './search-query.ts';

export function textFilter({ words }: TextSearch, provider: 'sqlite' | 'postgresql') {
  if (!words.length) return {};
  const contains = (word: string) => (provider === 'postgresql' ? { contains: word, mode: 'insensitive' as const } : { contains: word });
  return { OR: words.flatMap((word) => [{ title: contains(word) }, { description: contains(word) }]) };
}
