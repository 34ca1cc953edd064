// Which enumerated HID devices are scanners to read.
//
// - any interface with a HID POS collection (usage page 0x8C), whoever made it;
// - any interface of a vendor/product id the site configured (scanners whose POS mode reports
//   under a vendor usage page), except one that is only a keyboard or mouse: that scanner is in
//   keyboard-wedge mode, and reading it here too would deliver each code twice.
import type { HidDeviceInfo } from './types';
import { HID_POS_USAGE_PAGE } from './types';

const GENERIC_DESKTOP = 0x01;
const MOUSE = 0x02;
const KEYBOARD = 0x06;

function isKeyboardOrMouse(entry: HidDeviceInfo): boolean {
  return entry.usagePage === GENERIC_DESKTOP && (entry.usage === KEYBOARD || entry.usage === MOUSE);
}

export function selectScanners(
  listed: HidDeviceInfo[],
  configured: { vendorId: number; productId: number }[],
): { scanners: HidDeviceInfo[]; keyboardMode: HidDeviceInfo[] } {
  // hidapi lists one entry per top-level collection: group them by the path that opens them.
  const byPath = new Map<string, HidDeviceInfo[]>();
  for (const entry of listed) {
    if (!entry.path) continue;
    const group = byPath.get(entry.path);
    if (group) group.push(entry);
    else byPath.set(entry.path, [entry]);
  }
  const scanners: HidDeviceInfo[] = [];
  const keyboardMode: HidDeviceInfo[] = [];
  for (const entries of byPath.values()) {
    const pos = entries.find((e) => e.usagePage === HID_POS_USAGE_PAGE);
    if (pos) {
      scanners.push(pos);
      continue;
    }
    const first = entries[0]!;
    const isConfigured = configured.some((d) => d.vendorId === first.vendorId && d.productId === first.productId);
    if (!isConfigured) continue;
    if (entries.every(isKeyboardOrMouse)) keyboardMode.push(first);
    else scanners.push(entries.find((e) => !isKeyboardOrMouse(e)) ?? first);
  }
  return { scanners, keyboardMode };
}
