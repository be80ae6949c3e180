// Previews put stored bytes, which anybody may have uploaded, into HTML that the PLynx UI inserts into its
// page: every piece of content goes through these helpers first.

/** `text` with the five HTML-significant characters escaped (safe in element content and quoted attributes). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export interface DecodedText {
  text: string;
  /** False when the bytes are not UTF-8 (the text then holds replacement characters). */
  valid: boolean;
}

/**
 * Decodes UTF-8. `truncated` says the bytes are the start of a longer file, so a character cut in two at
 * the end is dropped rather than taken for invalid input.
 */
export function decodeUtf8(bytes: Buffer, truncated: boolean): DecodedText {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: truncated }), valid: true };
  } catch {
    return { text: new TextDecoder('utf-8').decode(bytes), valid: false };
  }
}
