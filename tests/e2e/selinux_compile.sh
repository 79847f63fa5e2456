#!/bin/bash
# selinux_compile.sh - build the audisp_eql SELinux module (selinux/) with the
# distribution's reference-policy development files, as a packager would:
#   make -f /usr/share/selinux/devel/Makefile audisp_eql.pp
# The Makefile expands the interfaces (an unknown one fails the build) and runs
# checkmodule and semodule_package. Exit 77 (ctest: skipped) when the policy
# development files are not installed (Debian: selinux-policy-dev, checkpolicy).
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd "$HERE/../.." && pwd -P)
DEVEL=${SELINUX_DEVEL_MAKEFILE:-/usr/share/selinux/devel/Makefile}

if [ ! -r "$DEVEL" ] || ! command -v checkmodule >/dev/null; then
    echo "SKIP: $DEVEL or checkmodule missing: install selinux-policy-dev and checkpolicy" >&2
    exit 77
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/audisp-eql-selinux.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT
cp "$ROOT"/selinux/audisp_eql.te "$ROOT"/selinux/audisp_eql.fc "$ROOT"/selinux/audisp_eql.if "$WORK"/ || exit 1
cd "$WORK" || exit 1
if ! make -f "$DEVEL" audisp_eql.pp >build.log 2>&1; then
    cat build.log >&2
    echo "FAIL: the SELinux module does not compile" >&2
    exit 1
fi
cat build.log
# The Makefile only warns about some problems; treat its warnings as errors.
if grep -Ei 'warning|error' build.log >&2; then
    echo "FAIL: warnings while building the SELinux module" >&2
    exit 1
fi
[ -s audisp_eql.pp ] || { echo "FAIL: no audisp_eql.pp produced" >&2; exit 1; }
# Check the expanded module once more on its own, and that it names its types.
if [ -r tmp/audisp_eql.tmp ]; then
    checkmodule -M -m -o tmp/audisp_eql.mod tmp/audisp_eql.tmp || { echo "FAIL: checkmodule" >&2; exit 1; }
fi
for t in audisp_eql_t audisp_eql_exec_t audisp_eql_conf_t audisp_eql_rules_t; do
    grep -q "$t" audisp_eql.fc tmp/audisp_eql.tmp 2>/dev/null || { echo "FAIL: $t missing" >&2; exit 1; }
done
echo "PASS: audisp_eql.pp built ($(stat -c %s audisp_eql.pp) bytes)"
