// The README's two commands are all the set-up (issue 13): `npm start` and `npm test` call this
// first, and on a fresh clone (or after a pull that changed package-lock.json) it runs `npm ci`,
// saying so in one line. It imports nothing but Node's own modules: node_modules may not exist yet.
import { spawnSync } from 'node:child_process';
import console from 'node:console';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';

export class SetupError extends Error {}

/**
 * Why node_modules does not match package-lock.json, or null when it does. "Older than the lock
 * file" is judged by content, not by file times: every package the lock names (except optional
 * ones for other platforms, which npm does not install) must be there at the lock's version.
 * File times would misjudge a fresh checkout (every file is "new") and a shared node_modules.
 */
export function depsProblem(root) {
  const nm = path.join(root, 'node_modules');
  if (!fs.existsSync(nm)) return 'node_modules is missing';
  let lock;
  try {
    lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
  } catch {
    return null; // no lock file to compare with: leave node_modules as it is
  }
  for (const [where, entry] of Object.entries(lock.packages ?? {})) {
    if (!where.startsWith('node_modules/') || entry.link || !entry.version) continue;
    let installed;
    try {
      installed = JSON.parse(fs.readFileSync(path.join(root, where, 'package.json'), 'utf8')).version;
    } catch {
      if (entry.optional || entry.devOptional) continue; // another platform's binary, or skipped
      return `node_modules is older than package-lock.json (${where.slice('node_modules/'.length)} is not installed)`;
    }
    if (installed !== entry.version) {
      return `node_modules is older than package-lock.json (${where.slice('node_modules/'.length)} ${installed}, the lock says ${entry.version})`;
    }
  }
  return null;
}

/** Run `npm ci` when node_modules is missing or out of date; one line says why. */
export function ensureDeps(root, prefix) {
  const [major] = process.versions.node.split('.').map(Number);
  if (major < 20) throw new SetupError(`Passdesk needs Node 20 or newer; this is Node ${process.versions.node}. Install Node 20 or 22 and run the command again.`);
  const problem = depsProblem(root);
  if (!problem) return false;
  console.log(`${prefix}: ${problem}: running npm ci first (once).`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.error) throw new SetupError(`Could not run npm ci (${r.error.message}). Is npm on the PATH?`);
  if (r.status !== 0) throw new SetupError('npm ci failed (its error is above). Fix that and run the command again.');
  return true;
}

/** The Chromium the end-to-end tests drive (playwright.config.ts reads the same variable). */
export function chromiumPath(env = process.env) {
  return env.PASSDESK_CHROMIUM ?? '/usr/bin/chromium';
}

/** The Debian/Ubuntu packages the tests want, as .ci/run installs them. */
export const APT_PACKAGES = ['chromium', 'xvfb', 'xauth', 'libusb-1.0-0'];

export const INSTALL_HINT =
  `install it with \`sudo apt-get install -y ${APT_PACKAGES.join(' ')}\` (Debian/Ubuntu), ` +
  'or set PASSDESK_CHROMIUM to a Chromium or Chrome binary';

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Chromium for the end-to-end tests: there already, or installed through apt when this runs as
 * root on Debian/Ubuntu (as .ci/run does), or else one line saying what to install. Returns
 * null when Chromium is ready, or that line. The tests run Chromium headless, so a display
 * (Xvfb) is installed with it for .ci/run's xvfb-run but is not required.
 */
export function ensureChromium(prefix, deps = {}) {
  const env = deps.env ?? process.env;
  const exists = deps.isExecutable ?? isExecutable;
  const run = deps.run ?? ((cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0);
  const say = deps.say ?? ((line) => console.log(line));
  const isRoot = deps.isRoot ?? (typeof process.getuid === 'function' && process.getuid() === 0);
  const platform = deps.platform ?? process.platform;
  const exe = chromiumPath(env);
  if (exists(exe)) return null;
  const canApt = platform === 'linux' && isRoot && exists(deps.aptGet ?? '/usr/bin/apt-get') && !env.PASSDESK_CHROMIUM;
  if (canApt) {
    say(`${prefix}: Chromium is not installed: installing ${APT_PACKAGES.join(', ')} with apt-get (as .ci/run does).`);
    const ok = run('apt-get', ['update', '-qq']) && run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...APT_PACKAGES]);
    if (ok && exists(exe)) return null;
    return `the end-to-end tests need Chromium at ${exe}, and apt-get could not install it (its error is above): ${INSTALL_HINT}.`;
  }
  return `the end-to-end tests need Chromium at ${exe}: ${INSTALL_HINT}.`;
}
