// Where an export file goes: a folder (local, or a mounted share the SIS imports from) or an SFTP
// server. Either way the SIS never sees half a file: the content is written under a temporary
// name in the same folder, flushed, then renamed over the final name in one step. Writing the same
// run again (after a crash) renames the same content over the same name.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client, type SFTPWrapper } from 'ssh2';
import type { FileDestination } from '../../../../shared/mis-us';
import { MisError } from '../errors';

export interface Destination {
  /** Write `content` as `fileName`, atomically. Throws a MisError. */
  put(fileName: string, content: string): Promise<void>;
  /** Proves the destination is there and writable, without leaving a file. */
  check(): Promise<void>;
  describe(): string;
}

const tempName = (fileName: string) => `.${fileName}.part`;

export function folderDestination(dir: string): Destination {
  return {
    describe: () => dir,
    async check() {
      try {
        const st = await fs.promises.stat(dir);
        if (!st.isDirectory()) throw new Error('not a folder');
        await fs.promises.access(dir, fs.constants.W_OK);
      } catch (e) {
        throw folderError(dir, e);
      }
    },
    async put(fileName, content) {
      const tmp = path.join(dir, tempName(fileName));
      const final = path.join(dir, fileName);
      try {
        const fh = await fs.promises.open(tmp, 'w');
        try {
          await fh.writeFile(content, 'utf8');
          await fh.sync();
        } finally {
          await fh.close();
        }
        await fs.promises.rename(tmp, final);
        await syncDir(dir);
      } catch (e) {
        await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
        throw folderError(dir, e);
      }
    },
  };
}

/** The rename itself survives a power cut only once the folder is flushed; not possible on Windows. */
async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  try {
    const fh = await fs.promises.open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // Some network shares refuse fsync on a folder; the rename has happened all the same.
  }
}

function folderError(dir: string, e: unknown): MisError {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  // A share that is not mounted right now is worth retrying; a missing permission is not.
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new MisError('forbidden', `The kiosk may not write to the export folder ${dir} (${code}). Give the kiosk's user write access, then retry.`);
  }
  return new MisError('network', `The export folder ${dir} cannot be reached (${code || (e as Error).message}). Is the share mounted?`);
}

export interface SftpOptions {
  host: string;
  port: number;
  username: string;
  folder: string;
  password?: string | null;
  privateKey?: string | null;
  /** OpenSSH "SHA256:…" fingerprint of the server's host key; the connection is refused otherwise. */
  hostKeySha256: string;
  timeoutMs?: number;
}

/** The OpenSSH fingerprint of a raw host key: base64 SHA-256 without padding. */
export function hostKeyFingerprint(key: Buffer): string {
  return createHash('sha256').update(key).digest('base64').replace(/=+$/, '');
}

export function sftpDestination(o: SftpOptions): Destination {
  const where = `sftp://${o.username}@${o.host}:${o.port}/${o.folder.replace(/^\/+/, '')}`;
  const remote = (name: string) => (o.folder === '.' || o.folder === '' ? name : `${o.folder.replace(/\/+$/, '')}/${name}`);
  return {
    describe: () => where,
    async check() {
      await withSftp(o, where, async (sftp) => {
        await call<unknown>((cb) => sftp.stat(o.folder || '.', cb));
      });
    },
    async put(fileName, content) {
      await withSftp(o, where, async (sftp) => {
        const tmp = remote(tempName(fileName));
        const final = remote(fileName);
        await call<void>((cb) => sftp.writeFile(tmp, content, { encoding: 'utf8' }, cb));
        try {
          // posix-rename replaces the old file in one step; plain SFTP rename refuses an existing name.
          await call<void>((cb) => sftp.ext_openssh_rename(tmp, final, cb));
        } catch {
          await call<void>((cb) => sftp.unlink(final, cb)).catch(() => undefined);
          await call<void>((cb) => sftp.rename(tmp, final, cb));
        }
      });
    },
  };
}

function call<T>(fn: (cb: (err: Error | null | undefined, v?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    try {
      fn((err, v) => (err ? reject(err) : resolve(v as T)));
    } catch (e) {
      reject(e);
    }
  });
}

async function withSftp(o: SftpOptions, where: string, work: (sftp: SFTPWrapper) => Promise<void>): Promise<void> {
  const pinned = o.hostKeySha256.replace(/^SHA256:/, '').replace(/=+$/, '');
  let seen: string | null = null;
  const client = new Client();
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve());
      client.once('error', reject);
      client.connect({
        host: o.host,
        port: o.port,
        username: o.username,
        ...(o.privateKey ? { privateKey: o.privateKey } : { password: o.password ?? '' }),
        readyTimeout: o.timeoutMs ?? 15_000,
        hostVerifier: (key: Buffer) => {
          seen = hostKeyFingerprint(key);
          return seen === pinned;
        },
      });
    });
    const sftp = await call<SFTPWrapper>((cb) => client.sftp(cb));
    try {
      await work(sftp);
    } finally {
      sftp.end();
    }
  } catch (e) {
    if (e instanceof MisError) throw e;
    const err = e as Error & { level?: string; code?: string | number };
    if (seen !== null && seen !== pinned) {
      throw new MisError('forbidden', `The SFTP server ${o.host} showed host key SHA256:${seen}, not the one saved in Passdesk. If the server was replaced, paste its new fingerprint; otherwise tell IT.`);
    }
    if (err.level === 'client-authentication') throw new MisError('auth', `The SFTP server ${o.host} refused user ${o.username}. Check the password or key in Admin → File export.`);
    if (typeof err.code === 'number') throw new MisError('forbidden', `The SFTP server refused the file at ${where}: ${err.message}.`);
    throw new MisError('network', `Cannot reach the SFTP server ${where} (${err.code ?? err.message}).`);
  } finally {
    client.end();
  }
}

export function destinationFor(d: FileDestination, secret: { password: string | null; privateKey: string | null }): Destination {
  if (d.kind === 'folder') return folderDestination(d.path);
  return sftpDestination({ ...d, password: secret.password, privateKey: d.auth === 'key' ? secret.privateKey : null });
}
