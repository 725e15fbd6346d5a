#!/bin/sh
# One piece of a fuzzing campaign: run libFuzzer targets for a while each, keep what they find,
# and fold the inputs that add coverage into the minimised corpora in the tree.
#
# usage: test/fuzz/campaign.sh BUILD_DIR WORK_DIR SECONDS TARGET...
#   BUILD_DIR  a build configured with CC=clang -Dfuzzing=true (add -Db_sanitize=address,undefined
#              -Db_lundef=false for a sanitizer piece)
#   WORK_DIR   where each target's growing corpus lives between pieces (outside the tree)
#   TARGET     fuzz_msg fuzz_opt fuzz_relay fuzz_server fuzz_config
# Prints one line per target: executions, seconds, coverage, crashes, for docs/FUZZING.md.
# Crashing inputs are left in WORK_DIR/crashes; the piece stops at the first one of a target.
# Afterwards, `MERGE=1 test/fuzz/campaign.sh ...` (SECONDS ignored) merges WORK_DIR's corpora
# into the tree's: libFuzzer -set_cover_merge=1 adds a small set of inputs reaching new coverage.
set -eu
build=$1 work=$2 secs=$3
shift 3
root=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$work/crashes"

corpus_of() {
    case $1 in
    fuzz_msg) echo "$root/test/fuzz/corpus" ;;
    fuzz_opt) echo "$root/test/fuzz/corpus-opt" ;;
    fuzz_relay) echo "$root/test/fuzz/corpus-relay" ;;
    fuzz_server) echo "$root/server/fuzz/corpus" ;;
    fuzz_config) echo "$root/server/fuzz/corpus-config" ;;
    *) echo "unknown target $1" >&2; exit 2 ;;
    esac
}

for t in "$@"; do
    exe=$(find "$build" -name "$t" -type f -perm -u+x | head -n 1)
    [ -n "$exe" ] || { echo "$t: not built in $build" >&2; exit 2; }
    tree=$(corpus_of "$t")
    mkdir -p "$work/$t"
    if [ "${MERGE:-0}" = 1 ]; then
        "$exe" -set_cover_merge=1 "$tree" "$work/$t" >"$work/$t.merge.log" 2>&1
        echo "$t: merged into $tree ($(ls "$tree" | wc -l) inputs)"
        continue
    fi
    log="$work/$t.$(date +%Y%m%d%H%M%S).log"
    rc=0
    "$exe" "$work/$t" "$tree" -max_total_time="$secs" -print_final_stats=1 \
        -artifact_prefix="$work/crashes/$t-" >"$log" 2>&1 || rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
    echo "$t: ${runs:-?} executions in ${secs} s, ${cov:-cov: ?}, exit $rc, log $log"
done
