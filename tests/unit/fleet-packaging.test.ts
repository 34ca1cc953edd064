// Packaging, as far as it can be checked without downloading Electron: electron-builder.yml
// passes electron-builder's own validation, its fuses and targets are what the kiosk needs,
// electron-builder's own fuse code flips a stand-in binary to exactly those fuses, and the
// kiosk OS files (deb scripts, systemd unit, set-up script) are well-formed.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type * as Fuses from '@electron/fuses';
import { expectedFuses, verifyFuses } from '../../build/verify-fuses.mjs';

const require = createRequire(import.meta.url);
// js-yaml comes with electron-builder (no types installed): only load() is needed.
const yaml = require('js-yaml') as { load(text: string): unknown };
const root = path.resolve(__dirname, '../..');
const configFile = path.join(root, 'electron-builder.yml');
type Config = Record<string, unknown> & {
  electronFuses: Record<string, boolean>;
  asarUnpack: string[];
  extraResources: { from: string; to: string; filter: string[] }[];
  linux: { target: { target: string }[] };
  win: { target: { target: string }[] };
  deb: { afterInstall: string; afterRemove: string; depends: string[] };
  nsis: Record<string, unknown>;
  publish: { provider: string; url: string };
};
const config = yaml.load(fs.readFileSync(configFile, 'utf8')) as Config;

async function electronBuilderValidates(c: unknown): Promise<void> {
  const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
    validateConfiguration(c: unknown, logger: { isEnabled: boolean; add(): void }): Promise<void>;
  };
  await validateConfiguration(c, { isEnabled: false, add() {} });
}

describe('electron-builder.yml', () => {
  it("passes electron-builder's own schema validation, which does catch a misspelt option", async () => {
    await expect(electronBuilderValidates(config)).resolves.toBeUndefined();
    await expect(electronBuilderValidates({ ...config, electronFuses: { ...config.electronFuses, runAsNod: false } })).rejects.toThrow(/electronFuses/);
  });

  it('builds AppImage and deb for Linux and an NSIS installer for Windows', () => {
    expect(config.linux.target.map((t) => t.target)).toEqual(['AppImage', 'deb']);
    expect(config.win.target.map((t) => t.target)).toEqual(['nsis']);
    // A per-machine install that never deletes the school's data on uninstall.
    expect(config.nsis).toMatchObject({ perMachine: true, deleteAppDataOnUninstall: false });
  });

  it('sets the fuses a public kiosk needs', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
    expect(config.asar).toBe(true);
  });

  it('unpacks the native modules and ships the scanner rule, the kiosk files and the Electron native build', () => {
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['**/node_modules/better-sqlite3/**', '**/node_modules/node-hid/**', '**/*.node']));
    const resources = config.extraResources.find((r) => r.from === 'resources')!;
    expect(resources.filter).toEqual(expect.arrayContaining(['udev/**', 'linux/**', 'windows/**', 'demo-roster.csv']));
    expect(config.extraResources).toContainEqual(expect.objectContaining({ from: '.electron-native', to: 'native' }));
    // Every file the deb scripts install is in the package.
    const script = fs.readFileSync(path.join(root, config.deb.afterInstall), 'utf8');
    for (const shipped of ['udev/70-passdesk-scanner.rules', 'linux/passdesk-kiosk.service', 'linux/pam.d/passdesk-kiosk']) {
      expect(script).toContain(`$RESOURCES/${shipped}`);
      expect(fs.existsSync(path.join(root, 'resources', shipped))).toBe(true);
    }
  });

  it('offers self-update through a generic provider the school can host, on a placeholder address', () => {
    expect(config.publish).toMatchObject({ provider: 'generic' });
    expect(new URL(config.publish.url).hostname).toMatch(/\.invalid$/);
  });
});

describe('fuses, flipped by electron-builder on a stand-in binary', () => {
  // An "Electron binary" holding only the fuse wire: the sentinel, version 1, eight fuses in
  // Electron's shipped state (RunAsNode, NODE_OPTIONS, --inspect and file:// on; the rest off).
  const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
  const standIn = () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'passdesk-fuses-')), 'passdesk');
    fs.writeFileSync(file, Buffer.concat([Buffer.alloc(4096, 0x90), Buffer.from(SENTINEL), Buffer.from([1, 8]), Buffer.from('10110001'), Buffer.alloc(4096, 0x90)]));
    return file;
  };

  it("electron-builder's fuse step turns the shipped defaults into the configured fuses", async () => {
    const { PlatformPackager } = require('app-builder-lib') as {
      PlatformPackager: { prototype: { generateFuseConfig(f: unknown): Promise<Record<string, unknown>> } };
    };
    const fuses = require('@electron/fuses') as typeof Fuses;
    const binary = standIn();
    expect((await verifyFuses(binary)).ok).toBe(false);

    const fuseConfig = await PlatformPackager.prototype.generateFuseConfig.call({}, config.electronFuses);
    await fuses.flipFuses(binary, fuseConfig as Parameters<typeof fuses.flipFuses>[1]);

    const result = await verifyFuses(binary);
    expect(result.lines).toContain('ok   RunAsNode: off (want off)');
    expect(result.lines).toContain('ok   OnlyLoadAppFromAsar: on (want on)');
    expect(result.ok).toBe(true);
    expect(Object.keys(expectedFuses())).toHaveLength(8);
  });

  it('the verify script exits 1 on an unflipped binary', () => {
    const run = spawnSync(process.execPath, [path.join(root, 'build/verify-fuses.mjs'), standIn()], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/FAIL RunAsNode: on \(want off\)/);
  });
});

describe('kiosk OS files', () => {
  it("the deb scripts survive electron-builder's templating and are valid bash", () => {
    // FpmTarget's writeConfigFile: ${name} must be a known macro, or the build fails.
    const macros: Record<string, string> = { executable: 'passdesk', sanitizedProductName: 'Passdesk', productFilename: 'Passdesk' };
    for (const script of [config.deb.afterInstall, config.deb.afterRemove]) {
      const text = fs.readFileSync(path.join(root, script), 'utf8').replace(/\${([a-zA-Z]+)}/g, (_m, name: string) => {
        if (!(name in macros)) throw new Error(`${script}: macro ${name} is not defined`);
        return macros[name]!;
      });
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'passdesk-deb-')), path.basename(script));
      fs.writeFileSync(file, text);
      expect(() => execFileSync('bash', ['-n', file])).not.toThrow();
      expect(text).toContain("'/opt/Passdesk/passdesk'");
    }
    expect(() => execFileSync('bash', ['-n', path.join(root, 'resources/linux/setup-kiosk.sh')])).not.toThrow();
  });

  it('the systemd unit restarts Passdesk within seconds and passes systemd-analyze (where installed)', () => {
    const unit = fs.readFileSync(path.join(root, 'resources/linux/passdesk-kiosk.service'), 'utf8');
    expect(unit).toMatch(/^Restart=always$/m);
    expect(unit).toMatch(/^RestartSec=2$/m);
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/cage .*-- \/opt\/Passdesk\/passdesk/m);
    const analyze = spawnSync('systemd-analyze', ['verify', '--man=no', path.join(root, 'resources/linux/passdesk-kiosk.service')], { encoding: 'utf8' });
    if (analyze.error) return; // no systemd here: the text checks above still ran
    // The binaries exist only on a kiosk; anything else systemd says is a real problem.
    const complaints = analyze.stderr.split('\n').filter((l) => l.trim() && !/is not executable: No such file or directory/.test(l));
    expect(complaints).toEqual([]);
  });
});
