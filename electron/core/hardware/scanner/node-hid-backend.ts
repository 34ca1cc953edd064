// The real backend: node-hid (hidapi; on Linux the hidraw build, so /dev/hidraw* permissions
// apply). Loaded on demand so that a kiosk with HID scanning switched off, or a broken native
// module, never fails at start-up: the service turns a load failure into a status problem.
import type * as NodeHidModule from 'node-hid';
import type { HidBackend, HidConnection, HidDeviceInfo } from './types';

type NodeHid = typeof NodeHidModule;

export async function loadNodeHidBackend(): Promise<HidBackend> {
  const imported = (await import('node-hid')) as NodeHid & { default?: NodeHid };
  // node-hid is CommonJS: under ESM its exports may arrive on `default`.
  const hid = imported.default ?? imported;
  // Force the native binding now, so a missing or mismatched build is reported at load.
  hid.getHidapiVersion();
  return nodeHidBackend(hid);
}

export function nodeHidBackend(hid: NodeHid): HidBackend {
  return {
    async devices(): Promise<HidDeviceInfo[]> {
      const listed = await hid.devicesAsync();
      return listed
        .filter((d): d is typeof d & { path: string } => typeof d.path === 'string' && d.path.length > 0)
        .map((d) => ({
          path: d.path,
          vendorId: d.vendorId,
          productId: d.productId,
          usagePage: d.usagePage,
          usage: d.usage,
          product: d.product,
          manufacturer: d.manufacturer,
          serialNumber: d.serialNumber,
          interface: d.interface,
        }));
    },
    async open(path: string): Promise<HidConnection> {
      return hid.HIDAsync.open(path);
    },
  };
}
