// Issue 13 point 8: the README's two commands are all the set-up. `npm start` and `npm test` run
// `npm ci` themselves when node_modules is missing or older than package-lock.json (one line
// says so), import nothing from node_modules before that, and `npm test` without Chromium
// installs it through apt as root or says in one line what to install — never a stack trace.
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { APT_PACKAGES, chromiumPath, depsProblem, ensureChromium } from '../../scripts/ensure-deps.mjs';
import { tempDir } from '../helpers/core';

const repo = path.resolve(__dirname, '../..');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function dir() {
  const d = tempDir('passdesk-setup-');
  dirs.push(d);
  return d;
}

/** A project with a lock naming two packages (and another platform's optional binary). */
function project(installed: Record<string, string> | null) {
  const root = dir();
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'p', version: '1.0.0' }));
  fs.writeFileSync(
    path.join(root, 'package-lock.json'),
    JSON.stringify({
      lockfileVersion: 3,
      packages: {
        '': { name: 'p' },
        'node_modules/vite': { version: '7.1.0' },
        'node_modules/@scope/tool': { version: '2.0.0', dev: true },
        'node_modules/@esbuild/win32-x64': { version: '0.28.2', optional: true },
      },
    }),
  );
  if (installed) {
    for (const [name, version] of Object.entries(installed)) {
      fs.mkdirSync(path.join(root, 'node_modules', name), { recursive: true });
      fs.writeFileSync(path.join(root, 'node_modules', name, 'package.json'), JSON.stringify({ name, version }));
    }
  }
  return root;
}

describe('node_modules against package-lock.json', () => {
  it('missing, out of date, or matching (another platform’s optional binary may be absent)', () => {
    expect(depsProblem(project(null))).toBe('node_modules is missing');
    expect(depsProblem(project({ vite: '7.1.0' }))).toMatch(/older than package-lock\.json \(@scope\/tool is not installed\)/);
    expect(depsProblem(project({ vite: '7.0.9', '@scope/tool': '2.0.0' }))).toMatch(/older than package-lock\.json \(vite 7\.0\.9, the lock says 7\.1\.0\)/);
    expect(depsProblem(project({ vite: '7.1.0', '@scope/tool': '2.0.0' }))).toBeNull();
  });

  it('this checkout’s node_modules matches its lock (so npm start / npm test do not reinstall)', () => {
    expect(depsProblem(repo)).toBeNull();
  });

  // The stand-in npm is a shell script.
  it.skipIf(process.platform === 'win32')('on a fresh clone, says so in one line and runs npm ci, then carries on', () => {
    const root = project(null);
    // A stand-in npm on the PATH: records its arguments and "installs" the lock's packages.
    const bin = dir();
    const calls = path.join(bin, 'calls.txt');
    fs.writeFileSync(
      path.join(bin, 'npm'),
      `#!/bin/sh\necho "$@" >> "${calls}"\nmkdir -p node_modules/vite node_modules/@scope/tool\necho '{"version":"7.1.0"}' > node_modules/vite/package.json\necho '{"version":"2.0.0"}' > node_modules/@scope/tool/package.json\n`,
      { mode: 0o755 },
    );
    const script = `import { ensureDeps } from ${JSON.stringify(path.join(repo, 'scripts/ensure-deps.mjs'))}; console.log('ran', ensureDeps(process.cwd(), 'start'), ensureDeps(process.cwd(), 'start'));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n').filter(Boolean)).toEqual(['start: node_modules is missing: running npm ci first (once).', 'ran true false']);
    expect(fs.readFileSync(calls, 'utf8').trim()).toBe('ci --no-audit --no-fund');
  });

  it.skipIf(process.platform === 'win32')('a failing npm ci ends in one line, not a stack trace', () => {
    const root = project(null);
    const bin = dir();
    fs.writeFileSync(path.join(bin, 'npm'), '#!/bin/sh\necho "npm ERR! network" >&2\nexit 1\n', { mode: 0o755 });
    // test.mjs works on the checkout it lives in: run a copy of the scripts inside the fake project
    // (never the repository's own, which would run the whole suite from inside it).
    const copy = path.join(root, 'scripts');
    fs.mkdirSync(copy);
    for (const f of ['test.mjs', 'ensure-deps.mjs']) fs.copyFileSync(path.join(repo, 'scripts', f), path.join(copy, f));
    const again = spawnSync(process.execPath, [path.join(copy, 'test.mjs')], { cwd: root, encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
    expect(again.status).toBe(1);
    expect(again.stdout).toContain('npm test: node_modules is missing: running npm ci first (once).');
    expect(again.stderr).toContain('npm test: npm ci failed (its error is above). Fix that and run the command again.');
    expect(again.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it.skipIf(process.platform === 'win32')('npm start on a fresh clone: one line, npm ci, and no ERR_MODULE_NOT_FOUND when it fails', () => {
    const root = project(null);
    const bin = dir();
    fs.writeFileSync(path.join(bin, 'npm'), '#!/bin/sh\necho "npm ERR! network" >&2\nexit 1\n', { mode: 0o755 });
    const copy = path.join(root, 'scripts');
    fs.mkdirSync(copy);
    for (const f of ['start.mjs', 'ensure-deps.mjs']) fs.copyFileSync(path.join(repo, 'scripts', f), path.join(copy, f));
    const r = spawnSync(process.execPath, [path.join(copy, 'start.mjs')], { cwd: root, encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('start: node_modules is missing: running npm ci first (once).');
    expect(r.stderr).toContain('npm start: npm ci failed (its error is above).');
    expect(r.stderr).not.toMatch(/ERR_MODULE_NOT_FOUND|\n\s+at /);
  });

  it('start.mjs, test.mjs and ensure-deps.mjs import only Node’s modules (and each other) before npm ci', () => {
    for (const f of ['start.mjs', 'test.mjs', 'ensure-deps.mjs']) {
      const src = fs.readFileSync(path.join(repo, 'scripts', f), 'utf8');
      const specifiers = [...src.matchAll(/^import\s[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
      for (const s of specifiers) expect(s, `${f} imports ${s}`).toMatch(/^(node:|\.\/ensure-deps\.mjs$)/);
    }
  });
});

describe('Chromium for the end-to-end tests', () => {
  const lines: string[] = [];
  const base = { say: (l: string) => lines.push(l), env: {} as Record<string, string | undefined>, platform: 'linux' };

  it('there already: nothing to do', () => {
    expect(ensureChromium('npm test', { ...base, isExecutable: () => true, run: () => expect.fail('no install') })).toBeNull();
  });

  it('missing and not root: one line naming the packages and the variable', () => {
    const msg = ensureChromium('npm test', { ...base, isRoot: false, isExecutable: () => false, run: () => expect.fail('no install') });
    expect(msg).toBe(`the end-to-end tests need Chromium at /usr/bin/chromium: install it with \`sudo apt-get install -y ${APT_PACKAGES.join(' ')}\` (Debian/Ubuntu), or set PASSDESK_CHROMIUM to a Chromium or Chrome binary.`);
    expect(msg!.split('\n')).toHaveLength(1);
  });

  it('missing, as root with apt: installs what .ci/run installs, then goes on', () => {
    const ran: string[] = [];
    let installed = false;
    const msg = ensureChromium('npm test', {
      ...base,
      isRoot: true,
      isExecutable: (f) => f === '/usr/bin/apt-get' || (installed && f === '/usr/bin/chromium'),
      run: (cmd, args) => {
        ran.push([cmd, ...args].join(' '));
        if (args[0] === 'install') installed = true;
        return true;
      },
    });
    expect(msg).toBeNull();
    expect(ran).toEqual(['apt-get update -qq', `apt-get install -y -qq --no-install-recommends ${APT_PACKAGES.join(' ')}`]);
    expect(lines.at(-1)).toMatch(/^npm test: Chromium is not installed: installing chromium, xvfb, xauth, libusb-1.0-0 with apt-get/);
    const ci = fs.readFileSync(path.join(repo, '.ci/run'), 'utf8');
    for (const p of APT_PACKAGES) expect(ci).toContain(p);
  });

  it('apt fails: one line, with the hint', () => {
    const msg = ensureChromium('npm test', { ...base, isRoot: true, isExecutable: (f) => f === '/usr/bin/apt-get', run: () => false });
    expect(msg).toMatch(/apt-get could not install it .*sudo apt-get install -y chromium/);
  });

  it('PASSDESK_CHROMIUM names the browser, as playwright.config.ts reads it', () => {
    expect(chromiumPath({ PASSDESK_CHROMIUM: '/opt/chrome/chrome' })).toBe('/opt/chrome/chrome');
    expect(fs.readFileSync(path.join(repo, 'playwright.config.ts'), 'utf8')).toContain("process.env.PASSDESK_CHROMIUM ?? '/usr/bin/chromium'");
  });
});
