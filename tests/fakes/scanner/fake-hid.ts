// A fake HID backend with devices that replay recorded report sequences. It behaves like
// node-hid on Linux where it matters to the service: one path per plugged device (a new
// /dev/hidrawN after a re-plug), 'data' events with the raw report bytes, an 'error' event on
// the read when the cable is pulled, and open() rejecting with hidapi's own message.
// Replays run on setTimeout, so tests drive them with vitest's fake timers; nothing outlives
// the test (every timer is cleared by stopReplays()).
import { EventEmitter } from 'node:events';
import type { HidBackend, HidConnection, HidDeviceInfo } from '../../../electron/core/hardware/scanner/types';
import { reportFromHex } from './hex';
import type { ReplayStep } from './recordings';
import { readFailedUnplugged } from './recordings';

export class FakeConnection extends EventEmitter implements HidConnection {
  closed = false;
  override on(event: 'data', listener: (report: Uint8Array) => void): this;
  override on(event: 'error', listener: (err: Error) => void): this;
  override on(event: string, listener: Parameters<EventEmitter['on']>[1]): this {
    return super.on(event, listener);
  }
  close(): Promise<void> {
    this.closed = true;
    this.removeAllListeners();
    return Promise.resolve();
  }
}

export class FakeHidDevice {
  connection: FakeConnection | null = null;
  /** Set to make open() fail, e.g. with `permissionDenied(path)`. */
  openError: Error | null = null;

  constructor(
    private readonly backend: FakeHidBackend,
    public info: HidDeviceInfo,
  ) {}

  /** Send one report now, as hex (see hex.ts) or bytes. */
  send(report: string | Uint8Array): void {
    const bytes = typeof report === 'string' ? reportFromHex(report) : report;
    // node-hid hands out Buffers; the service must not care.
    if (this.connection && !this.connection.closed) this.connection.emit('data', Buffer.from(bytes));
  }

  /** Pull the cable: the read fails, and the device leaves the enumeration. */
  unplug(): void {
    this.backend.remove(this);
    const connection = this.connection;
    this.connection = null;
    if (connection && !connection.closed) connection.emit('error', readFailedUnplugged());
  }

  /** Plug it back in: it comes back under the next free hidraw path. */
  replug(): void {
    this.info = { ...this.info, path: this.backend.nextPath() };
    this.backend.add(this);
  }

  /** Schedule the recording's steps; resolves once the last one has run. */
  replay(steps: ReplayStep[]): Promise<void> {
    return new Promise((resolve) => {
      let at = 0;
      steps.forEach((step, i) => {
        at += step.afterMs;
        this.backend.schedule(() => {
          if ('report' in step) this.send(step.report);
          else if ('unplug' in step) this.unplug();
          else this.replug();
          if (i === steps.length - 1) resolve();
        }, at);
      });
      if (steps.length === 0) resolve();
    });
  }
}

export class FakeHidBackend implements HidBackend {
  private readonly plugged: FakeHidDevice[] = [];
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private hidrawCounter = 0;
  /** Every path open() was called with, in order. */
  readonly openCalls: string[] = [];
  enumerations = 0;

  /** Plug a device in; it gets the next /dev/hidrawN unless the info names a path. */
  plug(info: Omit<HidDeviceInfo, 'path'> & { path?: string }): FakeHidDevice {
    const device = new FakeHidDevice(this, { ...info, path: info.path ?? this.nextPath() });
    this.add(device);
    return device;
  }

  /** A fresh node each time (a re-plug may well get another one), never one in use. */
  nextPath(): string {
    let path: string;
    do path = `/dev/hidraw${this.hidrawCounter++}`;
    while (this.plugged.some((d) => d.info.path === path));
    return path;
  }

  add(device: FakeHidDevice): void {
    if (!this.plugged.includes(device)) this.plugged.push(device);
  }

  remove(device: FakeHidDevice): void {
    const i = this.plugged.indexOf(device);
    if (i >= 0) this.plugged.splice(i, 1);
  }

  schedule(fn: () => void, ms: number): void {
    const handle = setTimeout(() => {
      this.timers.delete(handle);
      fn();
    }, ms);
    this.timers.add(handle);
  }

  stopReplays(): void {
    for (const handle of this.timers) clearTimeout(handle);
    this.timers.clear();
  }

  async devices(): Promise<HidDeviceInfo[]> {
    this.enumerations += 1;
    return this.plugged.map((d) => ({ ...d.info }));
  }

  async open(path: string): Promise<HidConnection> {
    this.openCalls.push(path);
    const device = this.plugged.find((d) => d.info.path === path);
    if (!device) throw new Error(`cannot open device with path ${path}: Failed to open a device with path '${path}': No such file or directory`);
    if (device.openError) throw device.openError;
    device.connection = new FakeConnection();
    return device.connection;
  }
}
