#!/bin/bash
# Passdesk .deb: electron-builder's stock after-remove steps (unchanged, from
# app-builder-lib/templates/linux/after-remove.tpl), then Passdesk's own at the end.
# The kiosk's data (~passdesk/.config/Passdesk: sign-ins, backups, logs) is never removed here.

# Delete the link to the binary
# update-alternatives --remove <name> <path>: 'path' must be the registered alternative binary,
# not the generic symlink — see https://man7.org/linux/man-pages/man1/update-alternatives.1.html
if type update-alternatives >/dev/null 2>&1; then
    update-alternatives --remove '${executable}' '/opt/${sanitizedProductName}/${executable}'
else
    rm -f '/usr/bin/${executable}'
fi

APPARMOR_PROFILE_DEST='/etc/apparmor.d/${executable}'

# Remove and unload apparmor profile.
if [ -f "$APPARMOR_PROFILE_DEST" ]; then
  # Unload the profile from the running kernel before deleting the file so the
  # policy is not left enforced until the next reboot.  Mirror the chroot guard
  # used in the after-install script — live AppArmor operations are not
  # meaningful inside a chroot.
  # https://wiki.debian.org/AppArmor/HowToUse
  if apparmor_status --enabled > /dev/null 2>&1; then
    if ! { [ -x '/usr/bin/ischroot' ] && /usr/bin/ischroot; } && hash apparmor_parser 2>/dev/null; then
      apparmor_parser --remove "$APPARMOR_PROFILE_DEST" || true
    fi
  fi
  rm -f "$APPARMOR_PROFILE_DEST"
fi
# ---- Passdesk -------------------------------------------------------------------------------
# dpkg runs this on upgrade too ($1 = upgrade): only a real removal takes the service away.
if [ "$1" = "remove" ] || [ "$1" = "purge" ]; then
    if hash systemctl 2>/dev/null && [ -d /run/systemd/system ]; then
        systemctl disable --now passdesk-kiosk.service 2>/dev/null || true
    fi
    rm -f /usr/lib/systemd/system/passdesk-kiosk.service /lib/systemd/system/passdesk-kiosk.service
    rm -f /usr/lib/udev/rules.d/70-passdesk-scanner.rules /lib/udev/rules.d/70-passdesk-scanner.rules
    rm -f /etc/pam.d/passdesk-kiosk
    if hash systemctl 2>/dev/null && [ -d /run/systemd/system ]; then
        systemctl daemon-reload || true
    fi
    if hash udevadm 2>/dev/null; then
        udevadm control --reload || true
    fi
fi
