#!/bin/bash
# deb_package.sh BUILD_DIR - build the Debian package with CPack and walk it
# through dpkg: install, remove (conffiles stay), install again, install over
# itself (upgrade path), purge (nothing left). Needs root and dpkg-dev
# (dpkg-shlibdeps). Exit 77 (ctest: skipped) when those are missing or when
# audisp-eql is already installed on this machine (we never replace a real
# installation).
#
# Also: lintian accepts the package (no error; only the warnings the README
# explains), the packaged binary is hardened (hardening_check.sh), `dpkg -r`
# sets the plugins.d entry and the audit rules aside (auditd reads neither
# name) and a reinstall brings them back with the admin's edits, `--purge`
# deletes /etc/audisp-eql, and the maintainer scripts reload auditd (augenrules
# --load, invoke-rc.d auditd reload) exactly when auditd runs, and never fail
# when that reload fails. auditd is never really reloaded here: pidof,
# augenrules, invoke-rc.d, systemctl and service are stubs first in PATH that
# log their arguments (pidof "finds" auditd only when the test says so).
#
# Leaves no trace: the package is always purged at the end, so nothing stays
# in /etc/audit/plugins.d or /etc/audit/rules.d.
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
        # With the stubs: the maintainer scripts must not reach a real auditd.
        PATH="$STUBS:$PATH" dpkg --purge "$PKG" >/dev/null 2>&1 ||
            echo "WARNING: dpkg --purge $PKG failed" >&2
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }
step() { echo "--- $*"; }
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)

# Stubs for everything the maintainer scripts may call to reach auditd. Each logs "NAME ARGS".
STUBS=$WORK/stubs
CALLS=$WORK/calls.log
mkdir -p "$STUBS"
for tool in augenrules invoke-rc.d systemctl service; do
    printf '#!/bin/sh\necho "%s $*" >> "%s"\n[ ! -e "%s/reload-fails" ]\n' \
        "$tool" "$CALLS" "$WORK" > "$STUBS/$tool"
done
printf '#!/bin/sh\necho "pidof $*" >> "%s"\n[ -e "%s/auditd-runs" ]\n' "$CALLS" "$WORK" > "$STUBS/pidof"
chmod 0755 "$STUBS"/*
# dpkg with the stubs; STATE: "running" (pidof finds auditd), "stopped", or "failing" (auditd
# runs but augenrules and the reload fail).
run_dpkg() {
    local state=$1; shift
    rm -f "$WORK/auditd-runs" "$WORK/reload-fails" "$CALLS"
    case $state in
        running) touch "$WORK/auditd-runs" ;;
        failing) touch "$WORK/auditd-runs" "$WORK/reload-fails" ;;
    esac
    PATH="$STUBS:$PATH" dpkg "$@" > "$WORK/dpkg.log" 2>&1
}
calls() { cat "$CALLS" 2>/dev/null; }
expect_reload() {  # WHAT
    calls | grep -qx 'augenrules --load' || { calls >&2; bad "$1: augenrules --load not called"; }
    calls | grep -qx 'invoke-rc.d auditd reload' || { calls >&2; bad "$1: auditd not reloaded"; }
}
expect_no_reload() {  # WHAT
    calls | grep -qx 'pidof auditd' || { calls >&2; bad "$1: the scripts did not check for auditd"; }
    if calls | grep -Eq '^(augenrules|invoke-rc.d|systemctl|service) '; then
        calls >&2; bad "$1: auditd reloaded although it does not run"
    fi
}
# No active plugins.d entry runs audisp-eql, and no rules.d file augenrules reads is ours.
expect_inactive() {  # WHAT
    local f
    for f in /etc/audit/plugins.d/*; do
        [ -f "$f" ] || continue
        case ${f##*/} in .*|*.*.*) continue ;; esac  # auditd skips these (audisp.c)
        if grep -q '^path = /usr/sbin/audisp-eql' "$f" && grep -q '^active = yes' "$f"; then
            bad "$1: $f still starts the removed binary"
        fi
    done
    for f in /etc/audit/rules.d/*.rules; do
        [ -f "$f" ] || continue
        if grep -q 'audisp-eql' "$f"; then bad "$1: $f (audit rules) still there"; fi
    done
}

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
[[ $depends == *libssl3* ]] || bad "Depends lacks libssl3 (libcrypto: event and alert ids): $depends"
[[ $depends == *libmimalloc2.0* ]] || bad "Depends lacks libmimalloc2.0 (the allocator): $depends"
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

step "lintian"
if command -v lintian >/dev/null; then
    # Warnings the README ("Debian package") explains; anything else, and any error, fails.
    explained='non-standard-file-perm|package-contains-empty-directory|non-standard-dir-perm'
    lintian --no-tag-display-limit --display-info "$DEB" > "$WORK/lintian.log" 2>&1
    cat "$WORK/lintian.log"
    if grep -q '^E: ' "$WORK/lintian.log"; then bad "lintian reports errors"; fi
    if grep '^W: ' "$WORK/lintian.log" | grep -Evq "W: [^ ]+: ($explained) "; then
        bad "lintian warnings the README does not explain: $(grep '^W: ' "$WORK/lintian.log" | grep -Ev "W: [^ ]+: ($explained) ")"
    fi
else
    bad "lintian is not installed (.ci/install-deps installs it)"
fi

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

step "dpkg -i (first install, auditd running: reloaded)"
installed_by_us=1
run_dpkg running -i "$DEB" || { cat "$WORK/dpkg.log" >&2; bad "dpkg -i failed"; exit 1; }
check_installed "install"
expect_reload "install"
bash "$HERE/hardening_check.sh" /usr/sbin/audisp-eql || bad "the packaged binary is not hardened"
bash "$HERE/allocator_check.sh" /usr/sbin/audisp-eql || bad "the packaged binary does not allocate with mimalloc"
# Admin edits, which dpkg must keep on remove and on reinstall.
for f in "${conffiles[@]}"; do echo "# local edit by deb_package.sh" >> "$f"; done

step "dpkg -r (auditd running: plugin entry and audit rules set aside, auditd reloaded)"
run_dpkg running -r "$PKG" || { cat "$WORK/dpkg.log" >&2; bad "dpkg -r failed"; }
[ ! -e /usr/sbin/audisp-eql ] || bad "binary still there after dpkg -r"
[ ! -e /usr/share/audisp-eql/rules ] || bad "rules still there after dpkg -r"
[ -e /etc/audisp-eql/audisp-eql.conf ] || bad "the settings conffile was removed by dpkg -r"
for f in /etc/audit/plugins.d/audisp-eql.conf /etc/audit/rules.d/audisp-eql.rules; do
    [ ! -e "$f" ] || bad "$f still active after dpkg -r"
    [ -e "$f.dpkg-removed" ] || bad "$f was not kept as $f.dpkg-removed"
done
expect_inactive "dpkg -r"
expect_reload "dpkg -r"
dpkg-query -W -f='${Status}\n' "$PKG" | grep -q config-files || bad "status after dpkg -r is not config-files"

step "dpkg -i (reinstall over kept conffiles, auditd stopped: not reloaded)"
run_dpkg stopped -i "$DEB" || { cat "$WORK/dpkg.log" >&2; bad "dpkg -i (reinstall) failed"; }
check_installed "reinstall"
expect_no_reload "reinstall"
for f in "${conffiles[@]}"; do
    grep -q "local edit by deb_package.sh" "$f" || bad "the admin's edit of $f was lost on reinstall"
    [ ! -e "$f.dpkg-removed" ] || bad "$f.dpkg-removed left after reinstall"
done

step "dpkg -i (same version over itself: the upgrade path; the reload fails)"
run_dpkg failing -i "$DEB" || { cat "$WORK/dpkg.log" >&2; bad "dpkg -i failed because reloading auditd failed"; }
check_installed "upgrade"
expect_reload "upgrade"
grep -q "could not reload auditd" "$WORK/dpkg.log" || { cat "$WORK/dpkg.log" >&2; bad "a failed reload was not reported"; }
grep -q "local edit by deb_package.sh" /etc/audisp-eql/audisp-eql.conf || bad "the admin's edit was lost on upgrade"
[ ! -e /etc/audisp-eql/audisp-eql.conf.dpkg-new ] || bad "a .dpkg-new appeared although the shipped file did not change"

step "dpkg --purge (nothing left)"
echo "# local rule file" > /etc/audisp-eql/rules.d/local.toml
run_dpkg stopped --purge "$PKG" || { cat "$WORK/dpkg.log" >&2; bad "dpkg --purge failed"; }
installed_by_us=0
for f in /etc/audit/plugins.d/audisp-eql.conf /etc/audit/rules.d/audisp-eql.rules; do
    [ ! -e "$f" ] && [ ! -e "$f.dpkg-removed" ] || bad "$f (or its .dpkg-removed) left after purge"
done
for f in "${files[@]}" /etc/audisp-eql /usr/share/audisp-eql; do
    [ ! -e "$f" ] || bad "$f left after purge"
done
if dpkg-query -W "$PKG" >/dev/null 2>&1 && ! dpkg-query -W -f='${Status}' "$PKG" | grep -q not-installed; then
    bad "dpkg still knows $PKG after purge"
fi

[ $fail = 0 ] && echo "PASS: .deb builds, passes lintian, is hardened, installs, deactivates on remove, keeps the admin's edits, upgrades, purges cleanly, reloads auditd only when it runs"
exit $fail
