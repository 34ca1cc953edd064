#!/bin/bash
# Turn this PC into a Passdesk kiosk: run once, as root, after installing the .deb.
#   sudo /opt/Passdesk/resources/linux/setup-kiosk.sh [--timezone Europe/London]
# It creates the `passdesk` account (no password, no shell login), gives it the groups a kiosk
# needs, switches on time synchronisation, and enables passdesk-kiosk.service in place of the
# login prompt on tty1. Run it again at any time: every step checks before it changes anything.
set -euo pipefail

KIOSK_USER=passdesk
TIMEZONE=""
while [ $# -gt 0 ]; do
    case "$1" in
        --timezone) TIMEZONE="$2"; shift 2 ;;
        --user) KIOSK_USER="$2"; shift 2 ;;
        -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
        *) echo "Unknown option: $1" >&2; exit 2 ;;
    esac
done

if [ "$(id -u)" -ne 0 ]; then
    echo "Run this as root: sudo $0" >&2
    exit 1
fi
for tool in cage systemctl; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "$tool is missing: sudo apt install $tool" >&2
        exit 1
    fi
done
if [ ! -x /opt/Passdesk/passdesk ]; then
    echo "Passdesk is not installed in /opt/Passdesk: install the .deb first." >&2
    exit 1
fi

# The account: a home for Electron's user data (~/.config/Passdesk: the database, backups, logs).
if ! id "$KIOSK_USER" >/dev/null 2>&1; then
    useradd --create-home --home-dir "/var/lib/$KIOSK_USER" --shell /usr/sbin/nologin --comment "Passdesk kiosk" "$KIOSK_USER"
    echo "Created the account $KIOSK_USER."
fi
# video/render/input: the screen and touch panel under cage; lp: a USB printer at /dev/usb/lp0;
# plugdev: HID scanners when no seat ACL applies (see the scanner udev rule).
for group in video render input lp plugdev; do
    getent group "$group" >/dev/null || groupadd --system "$group"
    usermod -aG "$group" "$KIOSK_USER"
done
# Only the kiosk account reads its data: sign-ins are children's personal data.
chmod 0700 "/var/lib/$KIOSK_USER"

# The marks' times come from this clock.
if [ -n "$TIMEZONE" ]; then
    timedatectl set-timezone "$TIMEZONE"
fi
timedatectl set-ntp true || echo "Could not switch on time synchronisation: install systemd-timesyncd or chrony." >&2

# A unit for another account name than the packaged one.
if [ "$KIOSK_USER" != passdesk ]; then
    mkdir -p /etc/systemd/system/passdesk-kiosk.service.d
    printf '[Service]\nUser=%s\n' "$KIOSK_USER" > /etc/systemd/system/passdesk-kiosk.service.d/user.conf
fi
[ -e /etc/pam.d/passdesk-kiosk ] || install -m 0644 /opt/Passdesk/resources/linux/pam.d/passdesk-kiosk /etc/pam.d/passdesk-kiosk

systemctl daemon-reload
systemctl disable getty@tty1.service >/dev/null 2>&1 || true
systemctl enable passdesk-kiosk.service
systemctl set-default graphical.target >/dev/null

echo "Done. Reboot to start the kiosk, or: sudo systemctl start passdesk-kiosk"
echo "Check it from a console (Ctrl+Alt+F2) or over SSH with the admin CLI's doctor; see docs/installing-a-kiosk.md."
