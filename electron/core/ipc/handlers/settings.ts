// The site admin's settings screen (shared/ipc/settings.ts): settings with the district's locks,
// save, the secret store, a test print.
import type { settingsCalls } from '../../../../shared/ipc/contract';
import { fieldLocks } from '../../../../shared/policy';
import type { Handlers } from '../context';

export const settingsHandlers: Handlers<typeof settingsCalls> = {
  adminSettings: ({ core }) => ({ settings: core.getSettings(), locks: fieldLocks(core.settings.policy), secrets: { backend: core.secrets.backend, weak: core.secrets.weak } }),
  saveSettings: ({ core, role }, req) => core.updateSettings({ settings: req.settings }, role),
  saveSecret: ({ core, role }, req) => {
    core.secrets.set(req.name, req.value);
    core.staff.audit(role, 'secret.set', req.name, null, null);
    core.onSettingsChanged();
    return {};
  },
  secretsSet: ({ core }, req) => Object.fromEntries(req.names.map((n) => [n, core.secrets.get(n) !== null])),
  testPrint: ({ core, role }) => core.testPrint(role),
};
