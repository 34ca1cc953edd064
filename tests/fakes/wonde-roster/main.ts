// Run the fake Wonde roster in its own process (the benchmark keeps its memory and CPU apart):
//   npx tsx tests/fakes/wonde-roster/main.ts 50000 [latencyMs]   → prints {"baseUrl",…} on one line
// It stops by itself after a minute without requests, or when stdin closes.
import { generatedRoster, startFakeWondeRoster } from './server';

const count = Number(process.argv[2] ?? 50_000);
const latencyMs = Number(process.argv[3] ?? 0);
const fake = await startFakeWondeRoster({ students: generatedRoster(count), idleMs: 60_000, latencyMs, onIdleStop: () => process.exit(0) });
process.stdout.write(JSON.stringify({ baseUrl: fake.baseUrl, origin: fake.origin, schoolId: fake.schoolId, token: fake.token }) + '\n');
// stdin open keeps this process alive (the server itself is unref'd).
process.stdin.resume();
process.stdin.on('end', () => void fake.close().then(() => process.exit(0)));
process.stdin.on('close', () => void fake.close().then(() => process.exit(0)));
