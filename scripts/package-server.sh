#!/usr/bin/env bash
# Build the congdan-server .deb by hand with dpkg-deb from a staged tree: the binary
# in /usr/bin, the systemd unit, /etc/congdan/server.toml (a conffile), the holiday
# table and the operations guide, and a postinst that creates the `congdan` user.
# Usage: scripts/package-server.sh BINARY OUTDIR
# DEB_COMPRESSION=none|gzip|xz (default xz; the test uses none to stay fast).
set -euo pipefail
binary=$1
outdir=$2
root=$(cd "$(dirname "$0")/.." && pwd)
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -1)
arch=$(dpkg --print-architecture)
stage=$(mktemp -d)
chmod 0755 "$stage"
trap 'rm -rf "$stage"' EXIT

install -D -m 0755 "$binary" "$stage/usr/bin/congdan-server"
install -D -m 0644 "$root/crates/server/packaging/congdan-server.service" \
    "$stage/lib/systemd/system/congdan-server.service"
install -D -m 0644 "$root/crates/server/packaging/server.toml" "$stage/etc/congdan/server.toml"
install -D -m 0644 "$root/data/holidays/vn.csv" "$stage/usr/share/congdan-server/holidays/vn.csv"
install -D -m 0644 "$root/docs/OPERATIONS.md" "$stage/usr/share/doc/congdan-server/OPERATIONS.md"
install -D -m 0644 "$root/docs/congdan-server.example.toml" \
    "$stage/usr/share/doc/congdan-server/server.example.toml"
mkdir -p "$stage/DEBIAN"
install -m 0755 "$root/crates/server/packaging/postinst" "$root/crates/server/packaging/prerm" \
    "$root/crates/server/packaging/postrm" "$stage/DEBIAN/"
echo /etc/congdan/server.toml >"$stage/DEBIAN/conffiles"
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
cat >"$stage/DEBIAN/control" <<CONTROL
Package: congdan-server
Version: $version
Architecture: $arch
Maintainer: Cổng Dân <congdan@localhost>
Section: net
Priority: optional
Installed-Size: $size
Depends: adduser, libc6
Description: Cổng Dân reference government backend
 Serves a commune's news, procedures and units to the Cổng Dân app and takes
 residents' feedback and service requests over Open311 GeoReport v2. One binary,
 one SQLite database in /var/lib/congdan, run by systemd as the user congdan.
CONTROL
mkdir -p "$outdir"
out="$outdir/congdan-server_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Z"${DEB_COMPRESSION:-xz}" --build "$stage" "$out" >/dev/null
echo "$out"
