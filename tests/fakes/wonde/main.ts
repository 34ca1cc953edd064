// The fake Wonde as its own process (for the benchmark, so the engine's memory is measured
// alone): `npx tsx tests/fakes/wonde/main.ts '<FakeWondeOptions JSON>'` prints "PORT <n>" and
// serves until killed, its stdin closes, or its lifetime ends.
import { startFakeWonde, type FakeWondeOptions } from './server';

const options = JSON.parse(process.argv[2] ?? '{}') as FakeWondeOptions;
const fake = await startFakeWonde({ lifetimeMs: 120_000, ...options });
process.stdout.write(`PORT ${fake.port}\n`);
const stop = () => void fake.close().then(() => process.exit(0));
process.stdin.on('end', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
setTimeout(stop, options.lifetimeMs ?? 120_000).unref();
