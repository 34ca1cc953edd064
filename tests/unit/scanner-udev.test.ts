// The udev rule the admin is told to install: it exists where the fix says, sorts before
// 73-seat-late.rules (or "uaccess" does nothing), and each line is a well-formed hidraw rule.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_UDEV_RULE_PATH, udevInstallCommand } from '../../electron/core/hardware/scanner';

const file = path.resolve(DEFAULT_UDEV_RULE_PATH);
const rules = () =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.trim().startsWith('#'));

describe('resources/udev/70-passdesk-scanner.rules', () => {
  it('is where the fix shown to the admin says, and sorts before 73-seat-late.rules', () => {
    expect(fs.existsSync(file)).toBe(true);
    expect(path.basename(file) < '73-seat-late.rules').toBe(true);
    expect(udevInstallCommand(DEFAULT_UDEV_RULE_PATH)).toContain(`/etc/udev/rules.d/${path.basename(file)}`);
  });

  it('only touches hidraw nodes, and grants the seat user and plugdev on each scanner maker', () => {
    const lines = rules();
    expect(lines.slice(0, 2)).toEqual([
      'ACTION=="remove", GOTO="passdesk_scanner_end"',
      'SUBSYSTEM!="hidraw", GOTO="passdesk_scanner_end"',
    ]);
    expect(lines.at(-1)).toBe('LABEL="passdesk_scanner_end"');
    const vendorLines = lines.slice(2, -1);
    expect(vendorLines.length).toBeGreaterThanOrEqual(5);
    for (const line of vendorLines) {
      expect(line).toMatch(/^ATTRS\{idVendor\}=="[0-9a-f]{4}", TAG\+="uaccess", GROUP="plugdev", MODE="0660"$/);
    }
    const vendors = vendorLines.map((l) => /"([0-9a-f]{4})"/.exec(l)![1]);
    expect(new Set(vendors).size).toBe(vendors.length);
    expect(vendors).toContain('0c2e'); // the Honeywell scanner in the recordings
  });
});
