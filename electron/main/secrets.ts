// MIS tokens and client secrets, encrypted with the OS key through Electron's safeStorage.
// On Linux safeStorage silently falls back to `basic_text` (a key hard-coded in Chromium) when
// no keyring is running, which is common on a kiosk that logs straight into one app. That is
// obfuscation, not encryption: the store is marked weak and the admin is told, loudly.
import type { SafeStorage } from 'electron';
import { fileSecretStore, type Cipher, type SecretStore } from '../core/security/secrets';
import type { Logger } from '../core/logging/logger';

export type SafeStorageLike = Pick<
  SafeStorage,
  'isEncryptionAvailable' | 'encryptString' | 'decryptString' | 'getSelectedStorageBackend'
>;

/** What the admin screen should show when secrets are not properly protected (null: all is well). */
export interface SecretsWarning {
  backend: string;
  message: string;
}

/** The backend's name; only Linux has a choice (and must be asked after app 'ready'). */
export function storageBackend(safeStorage: SafeStorageLike, platform: NodeJS.Platform): string {
  if (platform === 'linux') return safeStorage.getSelectedStorageBackend();
  return platform === 'darwin' ? 'keychain' : platform === 'win32' ? 'dpapi' : 'os';
}

/**
 * A Cipher for `fileSecretStore` backed by safeStorage, or null when encryption is unavailable.
 * The synchronous calls are used because SecretStore is synchronous (the core reads a token in
 * the middle of a sync run); they are deprecated in Electron 45 in favour of the async ones.
 */
export function safeStorageCipher(safeStorage: SafeStorageLike, platform: NodeJS.Platform): Cipher | null {
  if (!safeStorage.isEncryptionAvailable()) return null;
  const backend = storageBackend(safeStorage, platform);
  return {
    backend: `safeStorage:${backend}`,
    weak: backend === 'basic_text' || backend === 'unknown',
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (data) => safeStorage.decryptString(data),
  };
}

export function weakSecretsMessage(backend: string): string {
  if (backend === 'file') {
    return (
      'Secrets on this kiosk are not encrypted: the operating system offers no key store. ' +
      'MIS tokens are kept in a file that only the kiosk user can read.'
    );
  }
  return (
    `Secrets on this kiosk are only obfuscated (Linux key store "${backend}"): no keyring is running, ` +
    'so MIS tokens are not encrypted with an OS key. Install and unlock gnome-keyring or KWallet for the ' +
    'kiosk user, or start Passdesk with --password-store=gnome-libsecret.'
  );
}

/** The kiosk's secret store under dataDir, plus the warning to log and show when it is weak. */
export function openSecretStore(
  dataDir: string,
  safeStorage: SafeStorageLike,
  platform: NodeJS.Platform,
  log: Logger,
): { store: SecretStore; warning: SecretsWarning | null } {
  const cipher = safeStorageCipher(safeStorage, platform);
  const store = fileSecretStore(dataDir, cipher ?? undefined);
  if (!store.weak) {
    log.info('secrets are encrypted', { backend: store.backend });
    return { store, warning: null };
  }
  const backend = cipher ? store.backend.replace(/^safeStorage:/, '') : 'file';
  const warning = { backend, message: weakSecretsMessage(backend) };
  log.warn('secrets are not protected by an OS key', { backend: store.backend });
  return { store, warning };
}
