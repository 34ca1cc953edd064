// The site admin's settings screen (shared/ipc/settings.ts): settings with the district's locks,
// save, the secret store, a test print.
import type { settingsCalls } from '../../../../shared/ipc/contract';
import type { Handlers } from '../context';

export const settingsHandlers: Handlers<typeof settingsCalls> = {
  adminSettings: ({ core }) => core.settings.adminView(),
  saveSettings: ({ core, role }, req) => core.settings.update(req.settings, role),
  saveSecret: ({ core, role }, req) => (core.settings.saveSecret(req.name, req.value, role), {}),
  secretsSet: ({ core }, req) => core.settings.secretsSet(req.names),
  testPrint: ({ core, role }) => core.attendance.testPrint(role),
};
