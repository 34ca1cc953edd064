// Entry point of the Electron main process (bundled to dist/electron/main.mjs by
// scripts/build-electron.mjs). All the work is in app.ts, which the unit tests drive against a
// stubbed 'electron' module.
import { app } from 'electron';
import { runKiosk } from './app';
import { cliArgs, runCliInElectron } from './cli';

const cli = cliArgs(process.argv);
if (cli) {
  // `passdesk --cli doctor`: no window, no single-instance lock (the kiosk may be running).
  void runCliInElectron(cli).then(
    (code) => app.exit(code),
    (e: unknown) => {
      process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
      app.exit(1);
    },
  );
} else {
  void runKiosk();
}
