// Child process for the crash test: records one sign-in, says so, then waits to be killed.
import { KioskCore } from '../../electron/core/kiosk';
import { fixedClock } from '../../electron/core/clock';

const [dataDir, badge] = process.argv.slice(2);
const core = KioskCore.open({ dataDir: dataDir!, clock: fixedClock('2026-11-24T09:12:00Z') });
const scan = core.scan({ code: badge! });
if (!scan.ok) throw new Error(`scan refused: ${scan.reason}`);
const rec = await core.record({ studentId: scan.flow.student.id, direction: 'sign_in', reasonId: 'traffic' });
// What the student saw: from here on, the event must survive anything.
process.stdout.write(`SIGNED_IN ${rec.event.id}\n`);
setInterval(() => {}, 1000);
