// Recorded HID reports written the way a USB capture reads: hex bytes, with two shorthands so a
// 64-byte report fits on a line:  "text" is the ASCII bytes of text, and  00*50  is 50 zero bytes.
//   "02 0c ']C012345678' 0d 00*50"  — report id 2, length 12, data, NUL padding
export function reportFromHex(spec: string): Uint8Array {
  const bytes: number[] = [];
  const tokens = spec.match(/'[^']*'|\S+/g) ?? [];
  for (const token of tokens) {
    if (token.startsWith("'")) {
      for (const ch of token.slice(1, -1)) bytes.push(ch.charCodeAt(0));
      continue;
    }
    const repeat = /^([0-9a-fA-F]{2})\*(\d+)$/.exec(token);
    if (repeat) {
      for (let i = 0; i < Number(repeat[2]); i++) bytes.push(parseInt(repeat[1]!, 16));
      continue;
    }
    if (!/^[0-9a-fA-F]{2}$/.test(token)) throw new Error(`Not a hex byte in a recorded report: ${token}`);
    bytes.push(parseInt(token, 16));
  }
  return Uint8Array.from(bytes);
}
