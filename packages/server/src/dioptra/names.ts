// Dioptra stores registered names in slug form. It is upstream's exact rule (lower case, trimmed, spaces to
// hyphens; other whitespace and punctuation are kept), applied on create and job submission only: lookups by
// name and renames use the name as sent.
export const slugify = (text: string): string => text.toLowerCase().trim().replaceAll(' ', '-');
