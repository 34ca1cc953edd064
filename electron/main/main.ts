// Entry point of the Electron main process (bundled to dist/electron/main.mjs by
// scripts/build-electron.mjs). All the work is in app.ts, which the unit tests drive against a
// stubbed 'electron' module.
import { runKiosk } from './app';

void runKiosk();
