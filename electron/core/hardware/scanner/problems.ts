// What the admin reads when a scanner does not work: what happened, and the fix, in words a
// school's IT person can act on at the kiosk.
import type { HidDeviceInfo, ScannerStatus } from './types';

export interface ScannerProblem {
  message: string;
  fix: string;
}

/** The rule file as shipped; the lead passes the installed location (process.resourcesPath) in production. */
export const DEFAULT_UDEV_RULE_PATH = 'resources/udev/70-passdesk-scanner.rules';

const hex4 = (n: number) => n.toString(16).padStart(4, '0');

/** "Honeywell Voyager 1450g (0c2e:0b61)": the name on the box, and the ids the settings use. */
export function deviceName(info: Pick<HidDeviceInfo, 'vendorId' | 'productId' | 'product' | 'manufacturer'>): string {
  const ids = `${hex4(info.vendorId)}:${hex4(info.productId)}`;
  const label = [info.manufacturer, info.product].filter((s) => s && s.trim()).join(' ').trim();
  return label ? `${label} (${ids})` : `USB scanner ${ids}`;
}

export function isPermissionError(err: unknown): boolean {
  if (typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'EACCES') return true;
  const text = err instanceof Error ? err.message : String(err);
  return /EACCES|permission denied|access (is )?denied/i.test(text);
}

export function udevInstallCommand(rulePath: string): string {
  return (
    `sudo install -m 0644 ${rulePath} /etc/udev/rules.d/70-passdesk-scanner.rules` +
    ' && sudo udevadm control --reload && sudo udevadm trigger'
  );
}

export function openFailure(
  err: unknown,
  info: HidDeviceInfo,
  context: { platform: string; udevRulePath: string },
): ScannerProblem {
  const name = deviceName(info);
  const reason = err instanceof Error ? err.message : String(err);
  if (isPermissionError(err)) {
    if (context.platform === 'linux') {
      return {
        message: `Passdesk is not allowed to read the scanner ${name} (${info.path} is readable by root only).`,
        fix: `Install the scanner rule, then unplug the scanner and plug it back in: ${udevInstallCommand(context.udevRulePath)}`,
      };
    }
    if (context.platform === 'darwin') {
      return {
        message: `macOS did not let Passdesk read the scanner ${name}.`,
        fix: 'Allow Passdesk under System Settings › Privacy & Security › Input Monitoring, then restart Passdesk.',
      };
    }
    return {
      message: `Windows refused access to the scanner ${name}: another program may have it open.`,
      fix: "Close the scanner maker's set-up tool or any other program using the scanner, then unplug it and plug it back in.",
    };
  }
  return {
    message: `Passdesk could not open the scanner ${name}: ${reason}.`,
    fix: 'Unplug the scanner and plug it back in. If it still fails, switch it to keyboard mode (see docs/scanner.md).',
  };
}

export function backendFailure(err: unknown): ScannerProblem {
  const reason = err instanceof Error ? err.message : String(err);
  return {
    message: `HID scanner support could not start: ${reason}.`,
    fix:
      'Reinstall Passdesk (its node-hid module is missing or was built for another version). ' +
      'Scanners in keyboard mode still work meanwhile.',
  };
}

export function unplugged(name: string): ScannerProblem {
  return {
    message: `The scanner ${name} was unplugged or stopped answering.`,
    fix: 'Plug it back in: Passdesk picks it up within a few seconds, no restart needed.',
  };
}

/** The `scanner` part of the IPC contract's kioskStatus. */
export function toKioskScannerStatus(status: ScannerStatus): { state: 'ok' | 'problem' | 'none'; problem: string | null } {
  return status.state === 'problem'
    ? { state: 'problem', problem: `${status.message} ${status.fix}` }
    : { state: status.state, problem: null };
}
