// The Electron side of Passdesk, kept thin: one instance, one kiosk window, the IPC contract
// bound to the KioskCore, safeStorage for secrets, the screen kept awake and the renderer kept
// alive. Everything that decides anything lives in electron/core and runs under plain Node.
import { BrowserWindow, Menu, app, dialog, ipcMain, net, powerMonitor, powerSaveBlocker, safeStorage, session } from 'electron';
import { pathToFileURL } from 'node:url';
import { KioskCore, type KioskCoreOptions } from '../core/kiosk';
import { stderrLogger, type Logger, type SecretValues } from '../core/logging/logger';
import { secretValuesOf } from '../core/security/secrets';
import { bindKioskIpc, forwardKioskEvents, type KioskPage } from './ipc';
import { explainNativeLoadError, kioskPaths, parseLaunchOptions, resolveNativeBinding, type LaunchOptions } from './launch';
import { openSecretStore, type SecretsWarning } from './secrets';
import { KIOSK_CSP, devCsp, guardAllContents, hardenSession } from './security';
import { keepRendererAlive, kioskWindowOptions } from './window';
import { makeOsPrint, osPrintWindowOptions } from './print-os';
import { createFileLogger, logDirOf, teeLogger } from '../core/logging/file-logger';
import { openWithRecovery } from '../core/maintenance/recovery';
import { startNightly, type NightlyScheduler } from '../core/maintenance/nightly';
import { startUpdater, type UpdaterHandle } from './updater';

export interface RunOptions {
  argv?: readonly string[];
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  log?: Logger;
  /** The tests open the core with Node's own better-sqlite3; production uses KioskCore.open. */
  openCore?: (options: KioskCoreOptions) => KioskCore;
}

export interface RunningKiosk {
  core: KioskCore;
  window: BrowserWindow;
  launch: LaunchOptions;
  secretsWarning: SecretsWarning | null;
}

/** An error whose message is already written for the admin who will read it on the kiosk. */
class StartupError extends Error {}

/** Start the kiosk. Resolves to null when this process is not the one to run it (or could not). */
export async function runKiosk(options: RunOptions = {}): Promise<RunningKiosk | null> {
  // Every log line masks the secret store's values wherever they appear, once the store is open.
  let secretValues: SecretValues = () => [];
  let log = options.log ?? stderrLogger('info', () => secretValues());
  const platform = options.platform ?? process.platform;

  // A second launch (a double-tapped icon, an autostart racing a user) must not open a second
  // database writer: hand over to the running kiosk, which comes to the front.
  if (!app.requestSingleInstanceLock()) {
    log.info('Passdesk is already running; handing over to it');
    app.quit();
    return null;
  }
  // Every renderer sandboxed, whatever a future window forgets to say.
  app.enableSandbox();
  guardAllContents(app, log);

  let launch: LaunchOptions;
  try {
    launch = parseLaunchOptions(options.argv ?? process.argv, options.env ?? process.env, app.isPackaged);
  } catch (e) {
    return failStart(log, (e as Error).message);
  }

  let win: BrowserWindow | null = null;
  app.on('second-instance', () => {
    if (!win || win.isDestroyed()) return;
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  });
  app.on('window-all-closed', () => app.quit());

  await app.whenReady();

  const appPath = app.getAppPath();
  const paths = kioskPaths(appPath, app.isPackaged, process.resourcesPath);
  let core: KioskCore;
  let nativePath: string | undefined;
  let secretsWarning: SecretsWarning | null;
  try {
    const dataDir = app.getPath('userData');
    // Rotating files under the data folder, so a support bundle has the kiosk's own story.
    if (!options.log) log = teeLogger(createFileLogger({ dir: logDirOf(dataDir), secrets: () => secretValues() }), log);
    const native = resolveNativeBinding({
      packaged: app.isPackaged,
      appPath,
      resourcesPath: process.resourcesPath,
      electronVersion: process.versions.electron ?? 'unknown',
      platform,
      arch: process.arch,
    });
    if (!native.ok) throw new StartupError(native.message);
    nativePath = native.path;
    // safeStorage can only answer after 'ready'.
    const secrets = openSecretStore(dataDir, safeStorage, platform, log);
    secretValues = secretValuesOf(secrets.store);
    secretsWarning = secrets.warning;
    const openCore = options.openCore ?? ((o: KioskCoreOptions) => KioskCore.open(o));
    // A damaged, missing or emptied database is moved aside and the last good backup put back:
    // the admin is told. A set-up kiosk never starts as a new, empty one (maintenance/recovery.ts).
    const opened = openWithRecovery(
      () =>
        openCore({
          dataDir,
          logger: log,
          resourcesDir: paths.resourcesDir,
          nativeBinding: native.path,
          secrets: secrets.store,
          // A school's packaged kiosk never invents students; the demo roster is for `npm start`.
          demo: !app.isPackaged,
        }),
      { dataDir, log, nativeBinding: native.path },
    );
    core = opened.value;
    if (opened.recovery?.setupLocked) log.error('database lost with no backup to restore: staff set-up is locked until an admin runs kiosk doctor', { message: opened.recovery.message });
    else if (opened.recovery) log.warn('database recovered from a backup', { message: opened.recovery.message });
    log.info('kiosk core open', { windowed: launch.windowed, secrets: secrets.store.backend });
  } catch (e) {
    const message = e instanceof StartupError ? e.message : (explainNativeLoadError(e) ?? `The kiosk could not open its data: ${(e as Error).message}`);
    return failStart(log, message);
  }

  hardenSession(session.defaultSession, { csp: launch.devUrl ? devCsp(launch.devUrl) : KIOSK_CSP, log });
  // The default menu carries reload and devtools shortcuts: none of them at a public desk.
  if (!launch.windowed) Menu.setApplicationMenu(null);

  const window = new BrowserWindow(kioskWindowOptions({ windowed: launch.windowed, preloadPath: paths.preload }));
  win = window;
  window.once('ready-to-show', () => window.show());
  const contents = () => (win && !win.isDestroyed() ? win.webContents : null);
  const stopKeepAlive = keepRendererAlive(window.webContents, { log });
  const page: KioskPage = launch.devUrl
    ? { kind: 'dev', origin: new URL(launch.devUrl).origin }
    : { kind: 'file', indexUrl: pathToFileURL(paths.indexHtml).href };
  const unbindIpc = bindKioskIpc({ ipcMain, core, contents, page, log });
  const stopEvents = forwardKioskEvents(core, contents, log);

  // Printer, HID scanner, sync engine and roster schedule: all plain-Node services around the core.
  try {
    await core.start({ osPrint: makeOsPrint(() => new BrowserWindow(osPrintWindowOptions)) });
  } catch (e) {
    // The kiosk still signs students in without them; the idle chips show what is missing.
    log.error('kiosk services failed to start', { error: (e as Error).message });
  }
  // Nightly: purge what the school must not keep, then back up (in the school's time zone).
  let nightly: NightlyScheduler | null = null;
  try {
    nightly = startNightly(core, { nativeBinding: nativePath });
    const n = nightly;
    core.onSettings(() => n.reschedule());
  } catch (e) {
    log.error('nightly backups could not be scheduled', { error: (e as Error).message });
  }
  // Self-update, when the school has switched it on and hosts the files.
  let updater: UpdaterHandle | null = null;
  startUpdater(core, log, { packaged: app.isPackaged, platform, appImage: !!process.env.APPIMAGE }).then(
    (u) => (updater = u),
    (e: unknown) => log.error('updater could not start', { error: String(e) }),
  );
  // The OS knows first when the network comes back: writebacks go at once, not at the next sweep.
  // Only a change is news: telling the engine "online" every few seconds would wake every row
  // waiting out a backoff, and a fleet of kiosks would hammer an MIS that is down.
  let wasOnline = net.isOnline();
  const checkOnline = () => {
    const online = net.isOnline();
    if (online !== wasOnline) core.sync.connectivityChanged(online);
    wasOnline = online;
  };
  const onlineTimer = setInterval(checkOnline, 15_000);
  onlineTimer.unref();
  powerMonitor.on('resume', () => {
    wasOnline = false; // after a sleep, treat the network as just back
    checkOnline();
  });
  // A reception screen that dims mid-morning looks broken to the next late student.
  const blocker = powerSaveBlocker.start('prevent-display-sleep');
  window.on('closed', () => {
    win = null;
  });

  // Quit in order: the services finish their in-flight work (a batch settling its rows) before
  // the database closes; only then does the process exit.
  let quitting = false;
  app.on('will-quit', (event) => {
    if (quitting) return;
    quitting = true;
    event?.preventDefault?.();
    clearInterval(onlineTimer);
    nightly?.stop();
    updater?.stop();
    stopKeepAlive();
    unbindIpc();
    stopEvents();
    if (powerSaveBlocker.isStarted(blocker)) powerSaveBlocker.stop(blocker);
    const stopping = core.stop();
    const deadline = new Promise((resolve) => setTimeout(resolve, 5_000).unref());
    void Promise.race([stopping, deadline])
      .catch((e: unknown) => log.error('services did not stop cleanly', { error: String(e) }))
      .finally(() => {
        core.close();
        log.info('kiosk closed');
        app.exit(0);
      });
  });

  if (secretsWarning && launch.windowed) {
    // An admin setting the kiosk up sees this; the full-screen kiosk must never sit behind a dialog.
    void dialog.showMessageBox({ type: 'warning', title: 'Passdesk', message: 'Secrets are not encrypted', detail: secretsWarning.message });
  }

  const loaded = launch.devUrl ? window.loadURL(launch.devUrl) : window.loadFile(paths.indexHtml);
  loaded.catch((e: unknown) => log.error('kiosk screen failed to load', { error: (e as Error).message, page: page.kind }));

  return { core, window, launch, secretsWarning };
}

function failStart(log: Logger, message: string): null {
  log.error('Passdesk cannot start', { message });
  // The error box is the one thing an admin standing at a blank kiosk will see.
  dialog.showErrorBox('Passdesk cannot start', message);
  app.exit(1);
  return null;
}
