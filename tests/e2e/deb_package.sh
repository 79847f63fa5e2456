#!/bin/bash
# deb_package.sh BUILD_DIR - build the Debian package with CPack and walk it
# through dpkg: install, remove (conffiles stay), install again, install over
# itself (upgrade path), purge (nothing left). Needs root and dpkg-dev
# (dpkg-shlibdeps). Exit 77 (ctest: skipped) when those are missing or when
# audisp-eql is already installed on this machine (we never replace a real
# installation).
#
# Leaves no trace: the package is always purged at the end, so nothing stays
# in /etc/audit/plugins.d or /etc/audit/rules.d (installing never starts or
# reloads auditd: the plugin and its audit rules take effect only when auditd
# next starts, which this test does not do).
set -u
BUILD=${1:?usage: $0 BUILD_DIR}
BUILD=$(cd "$BUILD" && pwd -P) || exit 1
PKG=audisp-eql

skip() { echo "SKIP: $*" >&2; exit 77; }
[ "$(id -u)" = 0 ] || skip "must run as root (dpkg -i)"
command -v dpkg-shlibdeps >/dev/null || skip "dpkg-shlibdeps missing: install dpkg-dev"
command -v cpack >/dev/null || skip "cpack missing"
[ -r "$BUILD/CPackConfig.cmake" ] || skip "no CPackConfig.cmake in $BUILD"
if dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q 'installed\|config-files'; then
    skip "$PKG is already installed (or its conffiles are) on this machine; not touching it"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/audisp-eql-deb.XXXXXX") || exit 1
installed_by_us=0
# shellcheck disable=SC2317  # called from the EXIT trap
cleanup() {
    if [ "$installed_by_us" = 1 ]; then
        dpkg --purge "$PKG" >/dev/null 2>&1 || echo "WARNING: dpkg --purge $PKG failed" >&2
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }
step() { echo "--- $*"; }

step "cpack -G DEB"
if ! (cd "$BUILD" && cpack -G DEB -B "$WORK/out" --config "$BUILD/CPackConfig.cmake") >"$WORK/cpack.log" 2>&1; then
    cat "$WORK/cpack.log" >&2
    echo "FAIL: cpack -G DEB" >&2
    exit 1
fi
DEB=$(find "$WORK/out" -maxdepth 1 -name "${PKG}_*.deb" | head -1)
[ -n "$DEB" ] || { cat "$WORK/cpack.log" >&2; echo "FAIL: no .deb produced" >&2; exit 1; }
echo "built $(basename "$DEB") ($(stat -c %s "$DEB") bytes)"

step "package metadata"

dpkg-deb --field "$DEB"
depends=$(dpkg-deb --field "$DEB" Depends)
[[ $depends == *auditd* ]] || bad "Depends lacks auditd: $depends"
[[ $depends == *libauparse0* ]] || bad "Depends lacks libauparse0 (dpkg-shlibdeps did not run?): $depends"
[[ $depends == *libcap-ng0* ]] || bad "Depends lacks libcap-ng0: $depends"
dpkg-deb --ctrl-tarfile "$DEB" | tar -xO ./conffiles > "$WORK/conffiles" 2>/dev/null || bad "no conffiles in the package"
conffiles=(/etc/audit/plugins.d/audisp-eql.conf /etc/audisp-eql/audisp-eql.conf /etc/audit/rules.d/audisp-eql.rules)
for f in "${conffiles[@]}"; do
    grep -qxF "$f" "$WORK/conffiles" || bad "$f is not a conffile"
done
dpkg-deb --contents "$DEB" > "$WORK/contents"
files=(/usr/sbin/audisp-eql /usr/share/man/man8/audisp-eql.8.gz
       /usr/share/audisp-eql/audit/audisp-eql-extra.rules
       /usr/share/audisp-eql/selinux/audisp_eql.te "${conffiles[@]}")
for f in "${files[@]}"; do
    grep -q " \.$f\$" "$WORK/contents" || bad "$f is not in the package"
done
grep -q ' \./usr/share/audisp-eql/rules/.*\.toml$' "$WORK/contents" || bad "no rules/*.toml in the package"
grep -q ' \./etc/audisp-eql/rules\.d/$' "$WORK/contents" || bad "no /etc/audisp-eql/rules.d/ in the package"
if grep -q ' \./usr/local/' "$WORK/contents"; then bad "files under /usr/local in the package"; fi

check_installed() {
    local f
    for f in "${files[@]}"; do [ -e "$f" ] || bad "$1: $f missing after install"; done
    [ -d /etc/audisp-eql/rules.d ] || bad "$1: /etc/audisp-eql/rules.d missing"
    [ "$(stat -c %U%a /etc/audit/plugins.d/audisp-eql.conf)" = root640 ] ||
        bad "$1: plugins.d entry is not root 0640 (auditd refuses it otherwise)"
    /usr/sbin/audisp-eql --version >/dev/null || bad "$1: the installed binary does not run"
    /usr/sbin/audisp-eql --config /etc/audisp-eql/audisp-eql.conf --check-rules > "$WORK/check.log" 2>&1 ||
        { cat "$WORK/check.log" >&2; bad "$1: the installed settings and rules do not load"; }
}

step "dpkg -i (first install)"
installed_by_us=1
dpkg -i "$DEB" > "$WORK/dpkg.log" 2>&1 || { cat "$WORK/dpkg.log" >&2; bad "dpkg -i failed"; exit 1; }
check_installed "install"
# An admin edit, which dpkg must keep on remove and on reinstall.
echo "# local edit by deb_package.sh" >> /etc/audisp-eql/audisp-eql.conf

step "dpkg -r (conffiles stay)"
dpkg -r "$PKG" > "$WORK/dpkg.log" 2>&1 || { cat "$WORK/dpkg.log" >&2; bad "dpkg -r failed"; }
[ ! -e /usr/sbin/audisp-eql ] || bad "binary still there after dpkg -r"
[ ! -e /usr/share/audisp-eql/rules ] || bad "rules still there after dpkg -r"
for f in "${conffiles[@]}"; do [ -e "$f" ] || bad "conffile $f removed by dpkg -r"; done
dpkg-query -W -f='${Status}\n' "$PKG" | grep -q config-files || bad "status after dpkg -r is not config-files"

step "dpkg -i (reinstall over kept conffiles)"
dpkg -i "$DEB" > "$WORK/dpkg.log" 2>&1 || { cat "$WORK/dpkg.log" >&2; bad "dpkg -i (reinstall) failed"; }
check_installed "reinstall"
grep -q "local edit by deb_package.sh" /etc/audisp-eql/audisp-eql.conf || bad "the admin's edit was lost on reinstall"

step "dpkg -i (same version over itself: the upgrade path)"
dpkg -i "$DEB" > "$WORK/dpkg.log" 2>&1 || { cat "$WORK/dpkg.log" >&2; bad "dpkg -i (upgrade) failed"; }
check_installed "upgrade"
grep -q "local edit by deb_package.sh" /etc/audisp-eql/audisp-eql.conf || bad "the admin's edit was lost on upgrade"
[ ! -e /etc/audisp-eql/audisp-eql.conf.dpkg-new ] || bad "a .dpkg-new appeared although the shipped file did not change"

step "dpkg --purge (nothing left)"
dpkg --purge "$PKG" > "$WORK/dpkg.log" 2>&1 || { cat "$WORK/dpkg.log" >&2; bad "dpkg --purge failed"; }
installed_by_us=0
for f in "${files[@]}" /etc/audisp-eql /usr/share/audisp-eql; do
    [ ! -e "$f" ] || bad "$f left after purge"
done
if dpkg-query -W "$PKG" >/dev/null 2>&1 && ! dpkg-query -W -f='${Status}' "$PKG" | grep -q not-installed; then
    bad "dpkg still knows $PKG after purge"
fi

[ $fail = 0 ] && echo "PASS: .deb builds, installs, keeps conffiles on remove, upgrades and purges cleanly"
exit $fail
