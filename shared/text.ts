// Text cut to a length limit without breaking a character: used wherever a field the kiosk sends
// or keeps has a maximum (roster names and contacts, Ed-Fi's attendanceEventReason).

// Intl.Segmenter splits on grapheme clusters (an emoji with its skin tone, a family emoji, a
// letter with its combining accent), so a cut never leaves half a character. Node 20/22 and
// Chromium ship full ICU.
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * `text` cut to at most `max` UTF-16 code units (what zod's `.max()`, .NET and SQL NVARCHAR count),
 * between graphemes: never inside a surrogate pair nor between a letter and its combining mark.
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const { segment } of graphemes.segment(text)) {
    if (out.length + segment.length > max) break;
    out += segment;
  }
  return out.trimEnd();
}
