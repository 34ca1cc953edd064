// Reading one HID POS input report, and turning the joined data of a scan into a code.
//
// The layout most HID POS scanners share (Honeywell, Newland, Access-IS, Microscan and others):
//   byte 0      report id (0x02 on most models, 0x01 on Microscan)
//   byte 1      length: how many of the following bytes carry data
//   byte 2…     the data, left-justified, the rest of the report padded (usually with NUL)
//   byte 63     on 64-byte reports whose data stops short of it: bit 0 set = "more data follows"
// Models without the flag fill the report completely when a code continues, so a report that
// the data does not fill ends the code, and a filled one means "wait briefly for another".

export type Continuation = 'more' | 'last' | 'unknown';

export type ParsedReport =
  | { ok: true; reportId: number; data: Uint8Array; continuation: Continuation }
  | { ok: false; reportId: number | null; reason: string; continuation: Continuation };

const FLAGGED_REPORT_LENGTH = 64;
const CONTINUATION_BYTE = 63;
const HEADER_LENGTH = 2;

function flagAt63(report: Uint8Array): Continuation {
  return (report[CONTINUATION_BYTE]! & 0x01) === 0x01 ? 'more' : 'last';
}

export function parseHidPosReport(report: Uint8Array): ParsedReport {
  const size = report.length;
  if (size < HEADER_LENGTH) {
    return {
      ok: false,
      reportId: size > 0 ? report[0]! : null,
      reason: `a report of ${size} byte(s) is too short to hold a report id and a length byte`,
      continuation: 'unknown',
    };
  }
  const reportId = report[0]!;
  const length = report[1]!;
  const room = size - HEADER_LENGTH;
  if (length > room) {
    // The length byte is wrong, so the data cannot be trusted; the flag byte still tells
    // whether the rest of this code is on its way (and must be discarded with it).
    return {
      ok: false,
      reportId,
      reason: `the length byte says ${length} data bytes but the ${size}-byte report has room for ${room}`,
      continuation: size === FLAGGED_REPORT_LENGTH ? flagAt63(report) : 'unknown',
    };
  }
  const end = HEADER_LENGTH + length;
  let continuation: Continuation;
  if (end === size) continuation = 'unknown';
  else if (size === FLAGGED_REPORT_LENGTH && end <= CONTINUATION_BYTE) continuation = flagAt63(report);
  else continuation = 'last';
  return { ok: true, reportId, data: report.subarray(HEADER_LENGTH, end), continuation };
}

// AIM symbology identifiers (ISO/IEC 15424): "]", a symbology letter, a modifier character.
const AIM_ID = /^\][A-Za-z][0-9A-Za-z]/;
// Scanners end data with CR, LF or both when a suffix is configured, and pad with NUL.
// eslint-disable-next-line no-control-regex
const TRAILING_PADDING = /[\r\n\u0000]+$/;

const utf8 = new TextDecoder('utf-8');

/** The joined bytes of one scan as a code and its symbology. Decoded once joined, so a UTF-8 character split across reports survives. */
export function codeFromData(data: Uint8Array): { code: string; symbology: string | null } {
  const text = utf8.decode(data).replace(TRAILING_PADDING, '');
  const aim = AIM_ID.exec(text);
  if (!aim) return { code: text, symbology: null };
  return { code: text.slice(aim[0].length), symbology: aim[0] };
}
