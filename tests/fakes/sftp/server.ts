// An SFTP server for tests: ssh2's Server on 127.0.0.1 with a host key made at start-up, one user
// (password or public key), serving a temporary folder. Enough of SFTP v3 for an upload: OPEN,
// WRITE, CLOSE, STAT/LSTAT/FSTAT, REALPATH, REMOVE, RENAME (which, like OpenSSH's, refuses to
// replace an existing file). Bounded: it closes itself after `lifetimeMs`.
// Sources of the wire facts:
// - SFTP v3, its packets and status codes: draft-ietf-secsh-filexfer-02
//   (https://www.openssh.com/txt/draft-ietf-secsh-filexfer-02.txt), which OpenSSH implements;
//   ssh2's `utils.sftp` (STATUS_CODE, OPEN_MODE) carries the same numbers.
// - RENAME refusing an existing target: the same draft, SSH_FXP_RENAME ("It is an error if there
//   already exists a file with the name specified by newpath"); libssh2's libssh2_sftp_rename_ex(3)
//   documents the same. OpenSSH offers an overwriting rename only as the posix-rename@openssh.com
//   extension, which this fake does not serve.
// - The host key fingerprint as "SHA256:" + unpadded base64 of the key blob's SHA-256, as
//   `ssh-keygen -l` prints it (electron/core/mis/fileexport/destination.ts hostKeyFingerprint).
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Server, utils, type Connection } from 'ssh2';
import { hostKeyFingerprint } from '../../../electron/core/mis/fileexport/destination';

const { STATUS_CODE } = utils.sftp;

/**
 * An ed25519 key pair in OpenSSH form that ssh2 itself can read back. ssh2 1.17's keygen strips
 * every leading zero byte of the public key (it means to strip only the BIT STRING's unused-bits
 * byte; node_modules/ssh2/lib/keygen.js, "Remove leading zero bytes"), so one pair in 256 comes out
 * malformed ("Malformed OpenSSH public key") and a test using it fails at random. Such a pair is
 * made again; a real key from ssh-keygen never has this fault.
 */
export function ed25519KeyPair(): { public: string; private: string } {
  for (;;) {
    const key = utils.generateKeyPairSync('ed25519');
    if (!(utils.parseKey(key.public) instanceof Error) && !(utils.parseKey(key.private) instanceof Error)) return key;
  }
}

export interface FakeSftpOptions {
  root: string;
  username?: string;
  password?: string;
  /** An OpenSSH public key line allowed to log in (besides the password). */
  authorizedKey?: string;
  lifetimeMs?: number;
  /** Refuse every write (a full disk or a read-only share). */
  readOnly?: boolean;
}

export class FakeSftp {
  readonly host = '127.0.0.1';
  port = 0;
  /** "SHA256:…" as ssh-keygen -l prints it. */
  readonly fingerprint: string;
  readonly ops: string[] = [];
  private readonly server: Server;
  private readonly clients = new Set<Connection>();
  private stopper: NodeJS.Timeout | null = null;

  constructor(private readonly o: FakeSftpOptions) {
    const key = ed25519KeyPair();
    const parsed = utils.parseKey(key.public);
    if (parsed instanceof Error) throw parsed;
    this.fingerprint = `SHA256:${hostKeyFingerprint(parsed.getPublicSSH())}`;
    this.server = new Server({ hostKeys: [key.private] }, (client) => this.onClient(client));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    this.stopper = setTimeout(() => void this.close(), this.o.lifetimeMs ?? 60_000);
    this.stopper.unref();
    return this;
  }

  close(): Promise<void> {
    if (this.stopper) clearTimeout(this.stopper);
    for (const c of this.clients) c.end();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private resolve(p: string): string {
    const rel = path.posix.normalize(p.replace(/\\/g, '/')).replace(/^(\.\.(\/|$))+/, '').replace(/^\/+/, '');
    return path.join(this.o.root, rel);
  }

  private onClient(client: Connection): void {
    this.clients.add(client);
    client.on('close', () => this.clients.delete(client));
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      if (ctx.username !== (this.o.username ?? 'sis')) return ctx.reject();
      if (ctx.method === 'password' && this.o.password !== undefined && ctx.password === this.o.password) return ctx.accept();
      if (ctx.method === 'publickey' && this.o.authorizedKey) {
        const allowed = utils.parseKey(this.o.authorizedKey);
        if (!(allowed instanceof Error) && ctx.key.algo === allowed.type && ctx.key.data.equals(allowed.getPublicSSH())) {
          if (!ctx.signature) return ctx.accept();
          if (ctx.blob && allowed.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true) return ctx.accept();
        }
      }
      ctx.reject(['password', 'publickey']);
    });
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        session.on('sftp', (acceptSftp) => {
          const sftp = acceptSftp();
          const handles = new Map<number, number>();
          let nextHandle = 1;
          const handleOf = (b: Buffer) => (b.length === 4 ? handles.get(b.readUInt32BE(0)) : undefined);
          const attrsOf = (st: fs.Stats) => ({ mode: st.mode, uid: 0, gid: 0, size: st.size, atime: Math.floor(st.atimeMs / 1000), mtime: Math.floor(st.mtimeMs / 1000) });
          sftp.on('OPEN', (reqid, filename, flags) => {
            this.ops.push(`open ${filename}`);
            if (this.o.readOnly) return sftp.status(reqid, STATUS_CODE.PERMISSION_DENIED);
            try {
              const fd = fs.openSync(this.resolve(filename), utils.sftp.flagsToString(flags) ?? 'r');
              const h = nextHandle++;
              handles.set(h, fd);
              const buf = Buffer.alloc(4);
              buf.writeUInt32BE(h, 0);
              sftp.handle(reqid, buf);
            } catch {
              sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE);
            }
          });
          sftp.on('WRITE', (reqid, handle, offset, data) => {
            const fd = handleOf(handle);
            if (fd === undefined) return sftp.status(reqid, STATUS_CODE.FAILURE);
            fs.writeSync(fd, data, 0, data.length, offset);
            sftp.status(reqid, STATUS_CODE.OK);
          });
          sftp.on('CLOSE', (reqid, handle) => {
            const fd = handleOf(handle);
            if (fd === undefined) return sftp.status(reqid, STATUS_CODE.FAILURE);
            fs.closeSync(fd);
            handles.delete(handle.readUInt32BE(0));
            sftp.status(reqid, STATUS_CODE.OK);
          });
          const stat = (reqid: number, p: string) => {
            try {
              sftp.attrs(reqid, attrsOf(fs.statSync(this.resolve(p))));
            } catch {
              sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE);
            }
          };
          sftp.on('STAT', stat);
          sftp.on('LSTAT', stat);
          sftp.on('FSTAT', (reqid, handle) => {
            const fd = handleOf(handle);
            if (fd === undefined) return sftp.status(reqid, STATUS_CODE.FAILURE);
            sftp.attrs(reqid, attrsOf(fs.fstatSync(fd)));
          });
          sftp.on('FSETSTAT', (reqid) => sftp.status(reqid, STATUS_CODE.OK));
          sftp.on('REALPATH', (reqid, p) => {
            const name = path.posix.normalize(`/${p}`);
            sftp.name(reqid, [{ filename: name, longname: name, attrs: { mode: 0o40755, uid: 0, gid: 0, size: 0, atime: 0, mtime: 0 } }]);
          });
          sftp.on('REMOVE', (reqid, p) => {
            this.ops.push(`remove ${p}`);
            try {
              fs.unlinkSync(this.resolve(p));
              sftp.status(reqid, STATUS_CODE.OK);
            } catch {
              sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE);
            }
          });
          sftp.on('RENAME', (reqid, from, to) => {
            this.ops.push(`rename ${from} ${to}`);
            if (fs.existsSync(this.resolve(to))) return sftp.status(reqid, STATUS_CODE.FAILURE);
            try {
              fs.renameSync(this.resolve(from), this.resolve(to));
              sftp.status(reqid, STATUS_CODE.OK);
            } catch {
              sftp.status(reqid, STATUS_CODE.FAILURE);
            }
          });
        });
      });
    });
  }
}
