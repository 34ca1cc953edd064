#!/usr/bin/env node
// Reads the Electron fuses back out of a packaged binary and compares them with the
// `electronFuses` section of electron-builder.yml: a last check that the kiosk that ships cannot
// be run as plain Node, take NODE_OPTIONS or --inspect, or load code from outside its asar.
//   node build/verify-fuses.mjs release/linux-unpacked/passdesk
//   node build/verify-fuses.mjs release/win-unpacked/Passdesk.exe
// Exit code 1 when a fuse differs from the configuration (or the binary has no fuse wire).
import console from 'node:console';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import fuses from '@electron/fuses';
import yaml from 'js-yaml';

const { FuseV1Options, getCurrentFuseWire } = fuses;
// The bytes of a fuse wire: '1' on, '0' off ('r' removed). @electron/fuses does not export them.
const ON = 0x31;
const OFF = 0x30;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** electron-builder.yml's electronFuses, keyed by @electron/fuses' option index. */
export function expectedFuses(configFile = path.join(root, 'electron-builder.yml')) {
  const config = yaml.load(fs.readFileSync(configFile, 'utf8'));
  const wanted = {};
  for (const [key, on] of Object.entries(config.electronFuses ?? {})) {
    if (key === 'resetAdHocDarwinSignature') continue;
    // electron-builder's names are @electron/fuses' with a lower-case first letter.
    const option = FuseV1Options[key.charAt(0).toUpperCase() + key.slice(1)];
    if (option === undefined) throw new Error(`electronFuses.${key} is not a fuse @electron/fuses knows.`);
    wanted[option] = on;
  }
  return wanted;
}

/** Compare a binary's fuse wire with the configuration; returns one line per fuse and the verdict. */
export async function verifyFuses(binary, configFile) {
  const wanted = expectedFuses(configFile);
  const wire = await getCurrentFuseWire(binary);
  const lines = [];
  let ok = true;
  for (const [index, on] of Object.entries(wanted)) {
    const state = wire[index];
    const actual = state === ON ? true : state === OFF ? false : null;
    const good = actual === on;
    ok &&= good;
    lines.push(`${good ? 'ok  ' : 'FAIL'} ${FuseV1Options[index]}: ${actual === null ? 'removed or unknown' : actual ? 'on' : 'off'} (want ${on ? 'on' : 'off'})`);
  }
  return { ok, lines };
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const binary = process.argv[2];
  if (!binary) {
    console.error('Usage: node build/verify-fuses.mjs <packaged Electron binary>');
    process.exit(2);
  }
  verifyFuses(binary).then(
    ({ ok, lines }) => {
      console.log(lines.join('\n'));
      process.exit(ok ? 0 : 1);
    },
    (e) => {
      console.error(e.message);
      process.exit(1);
    },
  );
}
