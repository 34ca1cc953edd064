// Report sequences as scanners send them, for the fake device to replay. Layouts:
// - Honeywell / Newland / Access-IS style: 64 bytes = id 02, length, 56-byte data area,
//   3 symbology bytes (HHP id, AIM letter, modifier), 2 reserved, byte 63 bit 0 "more follows".
// - Microscan style: 64 bytes = id 01, length, 62-byte data area, no flag: a code continues
//   in a report that the data fills, and ends in one it does not.
// Steps are spaced as a full-speed USB scanner sends them (a report every few milliseconds).
import type { HidDeviceInfo } from '../../../electron/core/hardware/scanner/types';

export type ReplayStep =
  | { afterMs: number; report: string }
  | { afterMs: number; unplug: true }
  | { afterMs: number; replug: true };

export interface Recording {
  /** What the scanner was doing when this was recorded. */
  description: string;
  steps: ReplayStep[];
  /** The codes a correct reader gets out of it, in order. */
  expected: { code: string; symbology: string | null }[];
}

export const honeywellScanner: Omit<HidDeviceInfo, 'path'> = {
  vendorId: 0x0c2e,
  productId: 0x0b61,
  usagePage: 0x8c,
  usage: 0x02,
  manufacturer: 'Honeywell',
  product: 'Voyager 1450g',
  serialNumber: '19123B4567',
  interface: 0,
};

export const microscanScanner: Omit<HidDeviceInfo, 'path'> = {
  vendorId: 0x1777,
  productId: 0x0001,
  usagePage: 0x8c,
  usage: 0x02,
  manufacturer: 'Microscan',
  product: 'MS-4',
  interface: 0,
};

const QR_CODE = 'https://cards.example.org/s/v1?id=00123456&school=URN100001&issued=2025-09-01&sig=Zk3QmA9pLx2Vt7RcW8yNe4Hb6Ju1Sd5Gf0';

export const recordings = {
  code128Badge: {
    description: 'a Code 128 badge in one report, AIM ]C0 first, CR suffix, NUL padding',
    steps: [{ afterMs: 0, report: "02 0c ']C012345678' 0d 00*44 'jC0' 00 00 00" }],
    expected: [{ code: '12345678', symbology: ']C0' }],
  },

  longQrThreeReports: {
    description: 'a long QR code split over three reports, the first two flagged "more data follows"',
    steps: [
      { afterMs: 0, report: "02 38 ']Q1https://cards.example.org/s/v1?id=00123456&school=URN' 'sQ1' 00 00 01" },
      { afterMs: 8, report: "02 38 '100001&issued=2025-09-01&sig=Zk3QmA9pLx2Vt7RcW8yNe4Hb6Ju' 'sQ1' 00 00 01" },
      { afterMs: 8, report: "02 07 '1Sd5Gf0' 00*49 'sQ1' 00 00 00" },
    ],
    expected: [{ code: QR_CODE, symbology: ']Q1' }],
  },

  microscanSplitByGap: {
    description: 'a Microscan code over two reports: the first full (no flag), the second short with CR LF',
    steps: [
      { afterMs: 0, report: "01 3e ']Q1PASSDESK-VISITOR-0042;NAME=Sam Carter;HOST=Reception;DATE=2'" },
      { afterMs: 8, report: "01 0b '025-09-01' 0d 0a 00*51" },
    ],
    expected: [{ code: 'PASSDESK-VISITOR-0042;NAME=Sam Carter;HOST=Reception;DATE=2025-09-01', symbology: ']Q1' }],
  },

  badLengthByte: {
    description: 'a report whose length byte (0x50 = 80) exceeds the 62 bytes it can hold, then a good badge',
    steps: [
      { afterMs: 0, report: "02 50 ']C087654321' 00*45 'jC0' 00 00 00" },
      { afterMs: 400, report: "02 0b ']C012345678' 00*45 'jC0' 00 00 00" },
    ],
    expected: [{ code: '12345678', symbology: ']C0' }],
  },

  malformedMidCode: {
    description: 'a QR code whose second report has a bad length byte: the whole code is dropped, the next badge is read',
    steps: [
      { afterMs: 0, report: "02 38 ']Q1https://cards.example.org/s/v1?id=00123456&school=URN' 'sQ1' 00 00 01" },
      { afterMs: 8, report: "02 ff '100001&issued=2025-09-01&sig=Zk3QmA9pLx2Vt7RcW8yNe4Hb6Ju' 'sQ1' 00 00 01" },
      { afterMs: 8, report: "02 07 '1Sd5Gf0' 00*49 'sQ1' 00 00 00" },
      { afterMs: 400, report: "02 0b ']C012345678' 00*45 'jC0' 00 00 00" },
    ],
    expected: [{ code: '12345678', symbology: ']C0' }],
  },

  truncatedReport: {
    description: 'a one-byte report (the scanner browned out mid-report), then a badge without AIM identifier',
    steps: [
      { afterMs: 0, report: '02' },
      { afterMs: 400, report: "02 08 '12345678' 00*48 'j' 00 00 00 00 00" },
    ],
    expected: [{ code: '12345678', symbology: null }],
  },

  moreNeverCame: {
    description: 'a report flagged "more data follows" and then silence: the partial code must not be read',
    steps: [{ afterMs: 0, report: "02 38 ']Q1https://cards.example.org/s/v1?id=00123456&school=URN' 'sQ1' 00 00 01" }],
    expected: [],
  },

  unplugMidStreamThenReplug: {
    description: 'the cable pulled after the first report of a QR code, plugged back in, then a badge',
    steps: [
      { afterMs: 0, report: "02 38 ']Q1https://cards.example.org/s/v1?id=00123456&school=URN' 'sQ1' 00 00 01" },
      { afterMs: 4, unplug: true },
      { afterMs: 3000, replug: true },
      { afterMs: 3000, report: "02 0c ']C012345678' 0d 00*44 'jC0' 00 00 00" },
    ],
    expected: [{ code: '12345678', symbology: ']C0' }],
  },
} satisfies Record<string, Recording>;

/** The error node-hid (hidapi, hidraw) raises when /dev/hidraw* is root-only. */
export const permissionDenied = (path: string) =>
  new Error(`cannot open device with path ${path}: Failed to open a device with path '${path}': Permission denied`);

/** The error node-hid raises on a read once the device is gone. */
export const readFailedUnplugged = () => new Error('could not read from HID device: No such device');
