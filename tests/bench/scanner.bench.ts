// HID POS scanner path: from a report arriving to the whole code reaching the listener.
// - CPU cost per report (parse + join + decode), for one-report badges and three-report QR codes;
// - wall time from the last report to the code: a flagged scanner (Honeywell layout) and a
//   flagless one ending on a short report deliver at once; a flagless code whose last report
//   is exactly full can only be ended by the join gap (~joinGapMs, 50 ms).
// Target: a flagged badge is delivered in well under 1 ms (the screen's budget is 100 ms).
import { performance } from 'node:perf_hooks';
import { HidScannerService } from '../../electron/core/hardware/scanner';
import { silentLogger } from '../../electron/core/logging/logger';
import { FakeHidBackend } from '../fakes/scanner/fake-hid';
import { reportFromHex } from '../fakes/scanner/hex';
import { honeywellScanner, microscanScanner, recordings } from '../fakes/scanner/recordings';
import { line } from './stats';

const reportsOf = (steps: readonly { report?: string }[]) => steps.flatMap((s) => (s.report ? [reportFromHex(s.report)] : []));
const badge = reportsOf(recordings.code128Badge.steps);
const qr = reportsOf(recordings.longQrThreeReports.steps);
const microscan = reportsOf(recordings.microscanSplitByGap.steps);
// A flagless code whose last report the data fills exactly: only the join gap can end it.
const microscanFull = [reportFromHex("01 3e ']Q1" + '7'.repeat(59) + "'")];

async function serviceWith(scanner: typeof honeywellScanner) {
  const backend = new FakeHidBackend();
  const device = backend.plug(scanner);
  const service = new HidScannerService({ backend, settings: { enabled: true, devices: [] }, logger: silentLogger, rescanMs: 60_000 });
  await service.start();
  return { service, device };
}

function nextCode(service: HidScannerService): Promise<number> {
  return new Promise((resolve) => {
    const off = service.onCode(() => {
      off();
      resolve(performance.now());
    });
  });
}

async function timeReports(label: string, scanner: typeof honeywellScanner, reports: Uint8Array[], runs: number) {
  const { service, device } = await serviceWith(scanner);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const delivered = nextCode(service);
    const t0 = performance.now();
    for (const r of reports.slice(0, -1)) device.send(r);
    const tLast = performance.now();
    device.send(reports.at(-1)!);
    const t1 = await delivered;
    samples.push(label.startsWith('cpu') ? t1 - t0 : t1 - tLast);
  }
  await service.stop();
  console.log(line(label, samples));
  return samples;
}

// The service's timers are unref'd (they must never hold a process open): hold this one open.
const keepAlive = setInterval(() => {}, 1_000);
// Warm up the JIT so the first figures are not compile time.
await timeReports('warm-up (not a figure)', honeywellScanner, badge, 500);
await timeReports('cpu: badge, 1 report, report→code', honeywellScanner, badge, 5_000);
await timeReports('cpu: QR, 3 reports, first report→code', honeywellScanner, qr, 5_000);
await timeReports('latency: flagged scanner, last report→code', honeywellScanner, qr, 2_000);
await timeReports('latency: flagless, last report short', microscanScanner, microscan, 2_000);
await timeReports('latency: flagless, last report full (50 ms gap)', microscanScanner, microscanFull, 20);
clearInterval(keepAlive);
