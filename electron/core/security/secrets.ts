// Where credentials live (MIS tokens, client secrets). In Electron the store encrypts with
// safeStorage (electron/main supplies the cipher); under plain Node (CLI, tests) values are
// kept in a file readable only by the kiosk's user, and `backend` says so, so the admin
// screen and `kiosk doctor` can warn about it. A secret is write-only from the UI's side.
import fs from 'node:fs';
import path from 'node:path';

export interface SecretStore {
  get(key: string): string | null;
  set(key: string, value: string): void;
  delete(key: string): void;
  /**
   * Every value held, for the log redactor and the support bundle to mask wherever it appears
   * (issue 13). Never shown anywhere. Optional so that a store written for a test still fits.
   */
  values?(): string[];
  /** 'safeStorage:gnome_libsecret', 'safeStorage:basic_text', 'file' … */
  readonly backend: string;
  /** True when secrets are only obfuscated, not encrypted with an OS key (Linux basic_text, plain file). */
  readonly weak: boolean;
}

export interface Cipher {
  encrypt(plain: string): Buffer;
  decrypt(data: Buffer): string;
  backend: string;
  weak: boolean;
}

/** Secrets in one JSON file under the data directory, each value passed through the cipher. */
export function fileSecretStore(dataDir: string, cipher?: Cipher): SecretStore {
  const file = path.join(dataDir, 'secrets.json');
  const read = (): Record<string, string> => {
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
    } catch {
      return {};
    }
  };
  const write = (all: Record<string, string>) => {
    const tmp = `${file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(all), { mode: 0o600 });
    fs.renameSync(tmp, file);
  };
  // values() runs on every log line: decrypt again only when the file changed.
  let cache: { stamp: string; values: string[] } | null = null;
  const stampOf = () => {
    try {
      const st = fs.statSync(file);
      return `${st.mtimeMs}:${st.size}:${st.ino}`;
    } catch {
      return 'none';
    }
  };
  return {
    backend: cipher ? cipher.backend : 'file',
    weak: cipher ? cipher.weak : true,
    get(key) {
      const v = read()[key];
      if (v === undefined) return null;
      return cipher ? cipher.decrypt(Buffer.from(v, 'base64')) : v;
    },
    set(key, value) {
      const all = read();
      all[key] = cipher ? cipher.encrypt(value).toString('base64') : value;
      write(all);
    },
    delete(key) {
      const all = read();
      delete all[key];
      write(all);
    },
    values() {
      const stamp = stampOf();
      if (cache?.stamp === stamp) return cache.values;
      const values = Object.values(read()).flatMap((v) => {
        try {
          return [cipher ? cipher.decrypt(Buffer.from(v, 'base64')) : v];
        } catch {
          return [];
        }
      });
      cache = { stamp, values };
      return values;
    },
  };
}

/** The redactor's view of a store: its values now, or none when it cannot list them. */
export function secretValuesOf(store: SecretStore): () => readonly string[] {
  return () => store.values?.() ?? [];
}

/** In memory, for tests. */
export function memorySecretStore(initial: Record<string, string> = {}): SecretStore {
  const m = new Map(Object.entries(initial));
  return {
    backend: 'memory',
    weak: false,
    get: (k) => m.get(k) ?? null,
    set: (k, v) => void m.set(k, v),
    delete: (k) => void m.delete(k),
    values: () => [...m.values()],
  };
}
