// What electron/main (and the CLI) use from the HID scanner folder.
export { HidScannerService } from './service';
export type { HidScannerServiceOptions } from './service';
export { loadNodeHidBackend, nodeHidBackend } from './node-hid-backend';
export { toKioskScannerStatus, udevInstallCommand, DEFAULT_UDEV_RULE_PATH } from './problems';
export { parseHidPosReport, codeFromData } from './report';
export { HID_POS_USAGE_PAGE } from './types';
export type {
  HidBackend,
  HidConnection,
  HidDeviceInfo,
  HidScannerSettings,
  ScannerCode,
  ScannerDevice,
  ScannerStatus,
  ScannerTimers,
} from './types';
