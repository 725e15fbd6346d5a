#!/usr/bin/env bash
# Runs the decoder, the conformance tool and the fuzz replay drivers of a second build (another
# C library, or a big-endian target under qemu) on the same inputs as the native glibc build and
# fails on any difference in stdout, stderr or exit status, byte for byte.
# usage: .ci/compare-build.sh NATIVE_DIR OTHER_DIR VECTOR_DIR [RUNNER ...]
#   NATIVE_DIR  a native build with tests (vectool, fuzz_*_replay, dhcp6txn-decode built)
#   OTHER_DIR   the other build, configured with -Dtests=false (no Check there): its
#               dhcp6txn-decode is used, and vectool and the replay drivers are compiled here with
#               its compiler against its lib/libdhcp6txn.a, from the sources and flags meson
#               lists for the native ones (so the lists live only in the meson.build files)
#   RUNNER      how to run OTHER_DIR's programs (e.g. qemu-s390x-static -L /usr/s390x-linux-gnu)
set -euo pipefail
native=$(cd "$1" && pwd)
other=$(cd "$2" && pwd)
vectors=$3
shift 3
runner=("$@")
cd "$(dirname "$0")/.."
work="$other/compare"
rm -rf "$work"
mkdir -p "$work/native" "$work/other"

# the other build's C compiler, as meson runs it for the decoder
cc=$(meson introspect "$other" --targets | /usr/bin/python3 -c '
import json, sys
t = next(t for t in json.load(sys.stdin) if t["name"] == "dhcp6txn-decode")
print(" ".join(t["target_sources"][0]["compiler"]))')
meson introspect "$native" --targets > "$work/native-targets.json"
for t in vectool fuzz_msg_replay fuzz_opt_replay fuzz_relay_replay; do
    # sources, include paths, defines and -std of the native target; build paths re-pointed
    mapfile -t args < <(/usr/bin/python3 -c '
import json, sys
name, native, other = sys.argv[1:4]
t = next(t for t in json.load(open(sys.argv[4])) if t["name"] == name)
for s in t["target_sources"]:
    for p in s.get("parameters", []):
        if p.startswith(("-I", "-D", "-std=")):
            print(p.replace(native, other))
    for f in s.get("sources", []):
        print(f)
' "$t" "$native" "$other" "$work/native-targets.json")
    # shellcheck disable=SC2086
    $cc -O2 -g "${args[@]}" "$other/lib/libdhcp6txn.a" -o "$work/$t"
done
/usr/bin/python3 .ci/vector_lines.py "$vectors" "$work"

compared=0
# compare NAME STDIN PROGRAM ARGS...: PROGRAM is a path relative to a build folder
compare() {
    local name=$1 input=$2 prog=$3
    shift 3
    local nbin="$native/$prog" obin="$other/$prog"
    [ -x "$obin" ] || obin="$work/$(basename "$prog")"
    (cd "$work" && "$nbin" "$@" < "$input" > "native/$name.out" 2> "native/$name.err"; \
        echo $? > "native/$name.rc") || true
    (cd "$work" && "${runner[@]}" "$obin" "$@" < "$input" > "other/$name.out" 2> "other/$name.err"; \
        echo $? > "other/$name.rc") || true
    if ! diff -r -q "$work/native" "$work/other" > /dev/null; then
        for f in out err rc; do
            cmp "$work/native/$name.$f" "$work/other/$name.$f" \
                || diff -u "$work/native/$name.$f" "$work/other/$name.$f" | head -n 20 | cut -c 1-300
        done
        echo "$name: the builds differ" >&2
        exit 1
    fi
    compared=$((compared + 1))
    printf '  %-34s identical: %7d bytes out, %6d bytes err, exit %s\n' "$name" \
        "$(wc -c < "$work/other/$name.out")" "$(wc -c < "$work/other/$name.err")" \
        "$(cat "$work/other/$name.rc")"
}
corpus=$(pwd)/test/fuzz/corpus
compare vectool-records "$work/records.txt" test/print/vectool
for f in text json hex; do
    compare "decode-vectors-$f" "$work/messages.hex" decode/dhcp6txn-decode -f "$f" --validate
done
# the fuzz seeds: hostile datagrams, as raw files
compare decode-corpus-json /dev/null decode/dhcp6txn-decode -i raw -f json --validate "$corpus"/*
compare fuzz_msg_replay /dev/null test/fuzz/fuzz_msg_replay "$corpus"
compare fuzz_opt_replay /dev/null test/fuzz/fuzz_opt_replay "$(pwd)/test/fuzz/corpus-opt"
compare fuzz_relay_replay /dev/null test/fuzz/fuzz_relay_replay "$(pwd)/test/fuzz/corpus-relay"
for r in fuzz_msg_replay fuzz_opt_replay fuzz_relay_replay; do
    if [ "$(cat "$work/other/$r.rc")" != 0 ]; then
        cat "$work/other/$r.out" "$work/other/$r.err"
        echo "$r failed" >&2
        exit 1
    fi
done
echo "$compared runs identical to the native build's"
