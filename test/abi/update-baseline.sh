#!/bin/sh
# Regenerate the ABI baseline test/abi/libdhcp6txn.abi from the current sources, for a deliberate
# ABI change: after a SONAME / version node bump, or to record additions. Commit the baseline
# alone ("test/abi: baseline for ..."), so the ABI change is one reviewable diff.
# usage: test/abi/update-baseline.sh [BUILD_DIR]   (default build-abi, a library-only build)
set -eu
cd "$(dirname "$0")/../.."
dir=${1:-build-abi}
# debug info is what abidw reads the types from: debugoptimized, whatever the folder had before
opts="-Dbuildtype=debugoptimized -Dtests=false -Dserver=false -Dtools=false -Dexamples=false -Dpython=disabled"
# shellcheck disable=SC2086
meson setup "$dir" $opts > /dev/null || meson setup --reconfigure "$dir" $opts > /dev/null
ninja -C "$dir" > /dev/null
lib=$(readlink -f "$dir/lib/libdhcp6txn.so")
/usr/bin/python3 test/abi/check_abi.py dump "$lib" test/abi/libdhcp6txn.abi include
echo "test/abi/libdhcp6txn.abi now describes $(basename "$lib"):"
git diff --stat -- test/abi/libdhcp6txn.abi
echo "commit it on its own: git commit -m 'test/abi: ABI baseline for ...' test/abi/libdhcp6txn.abi"
