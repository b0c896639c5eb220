#!/usr/bin/env bash
# Installs the Debian packages the build and the tests need (idempotent, quiet when all are present).
# postgresql: the storage tests start a throwaway cluster from its binaries (never its service);
# nginx: the replicas test balances two server processes with it (its own config, never the service).
set -euo pipefail
pkgs=(libwebkit2gtk-4.1-dev libgtk-3-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev
      webkit2gtk-driver xvfb xauth chromium chromium-driver pkg-config build-essential
      libayatana-appindicator3-dev librsvg2-dev fonts-noto-core ca-certificates
      dbus-daemon gnome-keyring libsecret-tools keyutils
      x11-utils libxml2-utils postgresql nginx)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
