#!/bin/bash
# Passdesk .deb: electron-builder's stock after-install steps (unchanged, from
# app-builder-lib/templates/linux/after-install.tpl), then Passdesk's own at the end.
# ${executable} and ${sanitizedProductName} are filled in by electron-builder; plain shell
# variables below are written $NAME, never with braces, so the template leaves them alone.

if type update-alternatives >/dev/null 2>&1; then
    # Remove previous link if it doesn't use update-alternatives
    if [ -L '/usr/bin/${executable}' -a -e '/usr/bin/${executable}' -a "`readlink '/usr/bin/${executable}'`" != '/etc/alternatives/${executable}' ]; then
        rm -f '/usr/bin/${executable}'
    fi
    update-alternatives --install '/usr/bin/${executable}' '${executable}' '/opt/${sanitizedProductName}/${executable}' 100 || ln -sf '/opt/${sanitizedProductName}/${executable}' '/usr/bin/${executable}'
else
    ln -sf '/opt/${sanitizedProductName}/${executable}' '/usr/bin/${executable}'
fi

# Check if user namespaces are supported by the kernel and working with a quick test:
if ! { [[ -L /proc/self/ns/user ]] && unshare --user true; }; then
    # Use SUID chrome-sandbox only on systems without user namespaces:
    chmod 4755 '/opt/${sanitizedProductName}/chrome-sandbox' || true
else
    chmod 0755 '/opt/${sanitizedProductName}/chrome-sandbox' || true
fi

if hash update-mime-database 2>/dev/null; then
    update-mime-database /usr/share/mime || true
fi

if hash update-desktop-database 2>/dev/null; then
    update-desktop-database /usr/share/applications || true
fi

# Install apparmor profile. (Ubuntu 24+)
# First check if the version of AppArmor running on the device supports our profile.
# This is in order to keep backwards compatibility with Ubuntu 22.04 which does not support abi/4.0.
# In that case, we just skip installing the profile since the app runs fine without it on 22.04.
#
# Those apparmor_parser flags are akin to performing a dry run of loading a profile.
# https://wiki.debian.org/AppArmor/HowToUse#Dumping_profiles
#
# Unfortunately, at the moment AppArmor doesn't have a good story for backwards compatibility.
# https://askubuntu.com/questions/1517272/writing-a-backwards-compatible-apparmor-profile
if apparmor_status --enabled > /dev/null 2>&1; then
  APPARMOR_PROFILE_SOURCE='/opt/${sanitizedProductName}/resources/apparmor-profile'
  APPARMOR_PROFILE_TARGET='/etc/apparmor.d/${executable}'
  if apparmor_parser --skip-kernel-load --debug "$APPARMOR_PROFILE_SOURCE" > /dev/null 2>&1; then
    cp -f "$APPARMOR_PROFILE_SOURCE" "$APPARMOR_PROFILE_TARGET"

    # Updating the current AppArmor profile is not possible and probably not meaningful in a chroot'ed environment.
    # Use cases are for example environments where images for clients are maintained.
    # There, AppArmor might correctly be installed, but live updating makes no sense.
    if ! { [ -x '/usr/bin/ischroot' ] && /usr/bin/ischroot; } && hash apparmor_parser 2>/dev/null; then
      # Extra flags taken from dh_apparmor:
      # > By using '-W -T' we ensure that any abstraction updates are also pulled in.
      # https://wiki.debian.org/AppArmor/Contribute/FirstTimeProfileImport
      apparmor_parser --replace --write-cache --skip-read-cache "$APPARMOR_PROFILE_TARGET"
    fi
  else
    echo "Skipping the installation of the AppArmor profile as this version of AppArmor does not seem to support the bundled profile"
  fi
fi

# ---- Passdesk -------------------------------------------------------------------------------
RESOURCES='/opt/${sanitizedProductName}/resources'

# The scanner rule: HID POS scanners readable by the kiosk's user (see the rule's own comments).
if [ -d /usr/lib/udev/rules.d ] || [ -d /lib/udev/rules.d ]; then
    RULES_DIR=/usr/lib/udev/rules.d
    [ -d "$RULES_DIR" ] || RULES_DIR=/lib/udev/rules.d
    install -m 0644 "$RESOURCES/udev/70-passdesk-scanner.rules" "$RULES_DIR/70-passdesk-scanner.rules" || true
    if hash udevadm 2>/dev/null; then
        udevadm control --reload || true
        udevadm trigger --subsystem-match=hidraw || true
    fi
fi

# The kiosk service and its PAM file: installed, not enabled. setup-kiosk.sh enables them once
# the kiosk account exists (a desk PC that is also used as a desktop must not lose its login).
if [ -d /usr/lib/systemd/system ] || [ -d /lib/systemd/system ]; then
    UNIT_DIR=/usr/lib/systemd/system
    [ -d "$UNIT_DIR" ] || UNIT_DIR=/lib/systemd/system
    install -m 0644 "$RESOURCES/linux/passdesk-kiosk.service" "$UNIT_DIR/passdesk-kiosk.service" || true
    if hash systemctl 2>/dev/null && [ -d /run/systemd/system ]; then
        systemctl daemon-reload || true
        # An upgrade restarts a running kiosk onto the new version.
        if systemctl is-active --quiet passdesk-kiosk.service; then
            systemctl try-restart passdesk-kiosk.service || true
        fi
    fi
fi
if [ -d /etc/pam.d ] && [ ! -e /etc/pam.d/passdesk-kiosk ]; then
    install -m 0644 "$RESOURCES/linux/pam.d/passdesk-kiosk" /etc/pam.d/passdesk-kiosk || true
fi
