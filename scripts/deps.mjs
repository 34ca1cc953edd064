// `npm run deps` (and a step of `npm test`): the layer rules and "no import circles" of
// .dependency-cruiser.cjs, checked over electron/, shared/, renderer/src, tests/ and scripts/
// (the layer rules name only the first three; "no circles" holds everywhere).
// Through dependency-cruiser's API rather than its CLI: the CLI refuses to start on Node 20
// (its engines field says ^22), while the API runs there, and Passdesk supports Node 20 and 22.
// On Node 22+ `npx depcruise electron shared renderer/src tests scripts` gives the same answer.
import path from 'node:path';
import { cruise, format } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
process.chdir(root);
const options = await extractDepcruiseOptions('./.dependency-cruiser.cjs');
const result = await cruise(['electron', 'shared', 'renderer/src', 'tests', 'scripts'], { ...options, validate: true });
const report = await format(result.output, { outputType: 'err' });
process.stdout.write(report.output);
process.exit(report.exitCode === 0 ? 0 : 1);
