#!/usr/bin/env bash
# make test-integration: pram used the ways docs/integration.md describes, by
# small consumer projects, each built from a fresh temporary folder; on the
# host the boot counter runs (boot 1, boot 2, invalid, boot 1 with its RAM
# file kept), for Cortex-M the firmware links and .noinit passes the
# placement gate (NOBITS, alone in a FileSiz-0 segment, no static
# constructors).
#
#   cmake-subdir-*     add_subdirectory(<pram tree>), options as variables
#   cmake-fetch-*      FetchContent from a source archive (a local file)
#   cmake-install-*    cmake --install into a prefix, find_package(pram)
#                      (host: with PRAM_USER_CONFIG; also its pram.pc)
#   make-install-*     make install PREFIX=..., pkg-config (host, and the
#                      installed core of every Cortex-M CPU); DESTDIR and
#                      make uninstall
#   make-sources-*     a plain Makefile compiling pram's sources directly
#   cxx-*              C++17 (pram/pram.hpp), -fno-exceptions -fno-rtti
#
# Usage: tests/integration/run.sh (from anywhere).  PRAM_INTEGRATION_JOBS
# (default 2) is the -j of every build; PRAM_INTEGRATION_KEEP=1 keeps the
# temporary folder for inspection.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here=$root/tests/integration
jobs=${PRAM_INTEGRATION_JOBS:-2}
readelf=${ARM_READELF:-arm-none-eabi-readelf}
toolchain=$root/cmake/arm-none-eabi.cmake
# Our builds take -j from here, not from a make we run under.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES GNUMAKEFLAGS

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pram-integration.XXXXXX")
cleanup() {
    if [ -n "${PRAM_INTEGRATION_KEEP:-}" ]; then
        echo "integration: kept $tmp"
    else
        rm -rf "$tmp"
    fi
}
trap cleanup EXIT
mkdir -p "$tmp/log"

# CMake's own warnings (policies, deprecations) are errors too.
cmake_flags=(-G "Unix Makefiles" -Werror=dev -Werror=deprecated)

passed=0
skipped=0
start=$SECONDS

# run_case NAME FUNCTION [ARGS...]: runs it with errexit in a subshell, its
# output in a log shown only on failure.
run_case() {
    local name=$1 rc
    shift
    set +e
    (
        set -euo pipefail
        "$@"
    ) >"$tmp/log/$name.log" 2>&1
    rc=$?
    set -e
    if [ "$rc" -ne 0 ]; then
        echo "integration: $name FAILED (exit status $rc); last lines of its log:" >&2
        tail -n 80 "$tmp/log/$name.log" | sed 's/^/    /' >&2
        echo "integration: FAILED at $name ($passed passed before it)" >&2
        exit 1
    fi
    echo "integration: $name ok"
    passed=$((passed + 1))
}

skip_case() {
    echo "integration: $1 SKIPPED: $2"
    skipped=$((skipped + 1))
}

fail() {
    echo "FAIL: $*" >&2
    return 1
}

# cmake_build SRC BUILD [CMAKE ARGS...]: configure (fresh) and build.
cmake_build() {
    local src=$1 build=$2
    shift 2
    [ ! -e "$build" ] || fail "$build exists: every build starts from a fresh folder"
    cmake -S "$src" -B "$build" "${cmake_flags[@]}" "$@"
    cmake --build "$build" -j "$jobs"
}

# expect WANT COMMAND...: the command succeeds and prints exactly WANT.
expect() {
    local want=$1 got
    shift
    got=$("$@")
    [ "$got" = "$want" ] || fail "$*: printed '$got', expected '$want'"
    echo "$*: $got"
}

# check_host PROGRAM: four boots on one RAM file.
check_host() {
    local prog=$1 ram
    ram=$(mktemp "$tmp/ram.XXXXXX")
    rm -f "$ram" # cold: the first run creates it
    expect "boot 1" "$prog" "$ram"
    expect "boot 2" "$prog" "$ram"
    expect "invalid" "$prog" "$ram" invalidate
    expect "boot 1" "$prog" "$ram"
}

# check_fw ELF: .noinit is NOBITS and holds something, no static
# constructors, and the project's placement gate passes.
check_fw() {
    local elf=$1 sections
    [ -f "$elf" ] || fail "$elf was not built"
    sections=$("$readelf" -SW "$elf" | sed -n 's/^ *\[ *[0-9]*\] //p')
    echo "$sections" | awk '
        $1 == ".noinit" { found = 1
            if ($2 != "NOBITS") { print ".noinit is " $2 ", not NOBITS"; bad = 1 }
            if ($5 ~ /^0+$/) { print ".noinit is empty"; bad = 1 } }
        ($1 == ".init_array" || $1 == ".preinit_array") && $5 !~ /^0+$/ {
            print $1 " is not empty: a static constructor runs at startup"; bad = 1 }
        END { if (!found) { print "no .noinit section"; bad = 1 } exit bad }' ||
        fail "$elf: placement"
    READELF=$readelf sh "$root/examples/tools/check_elf.sh" "$elf"
}

# ---- (a) add_subdirectory -------------------------------------------------
subdir_host() {
    cmake_build "$here/cmake_subdir" "$tmp/subdir-host" -DPRAM_SOURCE_DIR="$root"
    check_host "$tmp/subdir-host/consumer"
}
subdir_arm() {
    # An option on the command line (a cache entry) reaches the consumer too.
    cmake_build "$here/cmake_subdir" "$tmp/subdir-arm" -DPRAM_SOURCE_DIR="$root" \
        -DCMAKE_TOOLCHAIN_FILE="$toolchain" \
        -DPRAM_CRITICAL=PRAM_CRITICAL_PRIMASK -DCONSUMER_EXPECT_CRITICAL=PRAM_CRITICAL_PRIMASK
    check_fw "$tmp/subdir-arm/consumer.elf"
}

# ---- (b) FetchContent from a source archive ---------------------------------
make_archive() {
    local version
    version=$(sed -n 's/^#define PRAM_VERSION_\(MAJOR\|MINOR\|PATCH\) *\([0-9]*\).*/\2/p' \
        "$root/include/pram/pram.h" | paste -sd.)
    # What the CMake build needs, and nothing else: proves it needs no more.
    tar -czf "$tmp/pram-$version.tar.gz" -C "$root" --transform "s,^,pram-$version/," \
        CMakeLists.txt cmake include src ld
    echo "$tmp/pram-$version.tar.gz"
}
fetch_host() {
    cmake_build "$here/cmake_fetch" "$tmp/fetch-host" -DPRAM_ARCHIVE="$archive"
    check_host "$tmp/fetch-host/consumer"
}
fetch_arm() {
    cmake_build "$here/cmake_fetch" "$tmp/fetch-arm" -DPRAM_ARCHIVE="$archive" \
        -DCMAKE_TOOLCHAIN_FILE="$toolchain"
    check_fw "$tmp/fetch-arm/consumer.elf"
}

# ---- (c) cmake --install, find_package --------------------------------------
# pram on its own (top level: its developer warnings, as errors), installed.
install_host() {
    cmake_build "$root" "$tmp/pram-host" \
        -DPRAM_USER_CONFIG=consumer_pram_config.h -DPRAM_USER_CONFIG_DIR="$here/app/config"
    cmake --install "$tmp/pram-host" --prefix "$tmp/prefix-host"
    cmake_build "$here/cmake_find" "$tmp/find-host" -DCMAKE_PREFIX_PATH="$tmp/prefix-host" \
        -DCONSUMER_EXPECT_USER_CONFIG=ON -DCONSUMER_EXPECT_CRC16=PRAM_CRC_BITWISE
    check_host "$tmp/find-host/consumer"
    # The pram.pc CMake installed (relocatable, with the options as -D).
    PKG_CONFIG_PATH="$tmp/prefix-host/lib/pkgconfig" make -C "$here/make_pkgconfig" host \
        OUT="$tmp/find-host-pc" APP="$here/app" \
        CONSUMER_DEFS="-DCONSUMER_EXPECT_USER_CONFIG=1 -DCONSUMER_EXPECT_CRC16=PRAM_CRC_BITWISE"
    check_host "$tmp/find-host-pc/boot_host"
}
install_arm() {
    cmake_build "$root" "$tmp/pram-arm" -DCMAKE_TOOLCHAIN_FILE="$toolchain"
    cmake --install "$tmp/pram-arm" --prefix "$tmp/prefix-arm"
    [ ! -e "$tmp/prefix-arm/lib/libpram_host.a" ] || fail "the ARM install has a host backend"
    cmake_build "$here/cmake_find" "$tmp/find-arm" -DCMAKE_PREFIX_PATH="$tmp/prefix-arm" \
        -DCMAKE_TOOLCHAIN_FILE="$toolchain"
    grep -q "linker fragments in $tmp/prefix-arm/share/pram/ld" "$tmp/log/cmake-install-arm.log" ||
        fail "PRAM_LD_DIR is not the installed share/pram/ld"
    check_fw "$tmp/find-arm/consumer.elf"
}

# ---- (d) make install, pkg-config --------------------------------------------
make_install_host() {
    make -C "$root" -j "$jobs" install BUILD="$tmp/make-build" PREFIX="$tmp/prefix-make"
    PKG_CONFIG_PATH="$tmp/prefix-make/lib/pkgconfig" make -C "$here/make_pkgconfig" host \
        OUT="$tmp/pc-host" APP="$here/app"
    check_host "$tmp/pc-host/boot_host"
}
make_install_arm() {
    local cpu
    for cpu in cortex-m0plus cortex-m3 cortex-m4 cortex-m33; do
        PKG_CONFIG_PATH="$tmp/prefix-make/lib/pkgconfig" make -C "$here/make_pkgconfig" arm \
            OUT="$tmp/pc-arm" APP="$here/app" CPU=$cpu
        check_fw "$tmp/pc-arm/$cpu/fw.elf"
    done
}
make_install_destdir() {
    local stage=$tmp/stage
    make -C "$root" install BUILD="$tmp/make-build" DESTDIR="$stage" PREFIX=/opt/pram INSTALL_ARM_CPUS=
    [ -f "$stage/opt/pram/lib/libpram.a" ] || fail "DESTDIR: no lib/libpram.a"
    [ -f "$stage/opt/pram/include/pram/pram.h" ] || fail "DESTDIR: no include/pram/pram.h"
    [ -f "$stage/opt/pram/share/pram/ld/pram_noinit.ld" ] || fail "DESTDIR: no pram_noinit.ld"
    grep -qx 'prefix=/opt/pram' "$stage/opt/pram/lib/pkgconfig/pram.pc" ||
        fail "DESTDIR: pram.pc's prefix is not PREFIX"
    make -C "$root" uninstall BUILD="$tmp/make-build" DESTDIR="$stage" PREFIX=/opt/pram
    if [ -n "$(find "$stage" -type f)" ]; then
        find "$stage" -type f
        fail "make uninstall left files behind"
    fi
}

# ---- (e) a plain Makefile compiling the sources ------------------------------
sources_host() {
    make -C "$here/make_sources" -j "$jobs" host PRAM="$root" APP="$here/app" OUT="$tmp/src-build"
    check_host "$tmp/src-build/boot_host"
}
sources_arm() {
    make -C "$here/make_sources" -j "$jobs" arm PRAM="$root" APP="$here/app" OUT="$tmp/src-build"
    check_fw "$tmp/src-build/fw.elf"
}

# ---- (f) C++ ------------------------------------------------------------------
cxx_host() {
    cmake_build "$here/cmake_cxx" "$tmp/cxx-host" -DCMAKE_PREFIX_PATH="$tmp/prefix-host"
    check_host "$tmp/cxx-host/consumer_cxx"
}
cxx_arm() {
    cmake_build "$here/cmake_cxx" "$tmp/cxx-arm" -DCMAKE_PREFIX_PATH="$tmp/prefix-arm" \
        -DCMAKE_TOOLCHAIN_FILE="$toolchain"
    check_fw "$tmp/cxx-arm/consumer_cxx.elf"
}

run_case cmake-subdir-host subdir_host
run_case cmake-subdir-arm subdir_arm
archive=$(make_archive)
run_case cmake-fetch-host fetch_host
run_case cmake-fetch-arm fetch_arm
run_case cmake-install-host install_host
run_case cmake-install-arm install_arm
run_case make-install-host make_install_host
run_case make-install-arm make_install_arm
run_case make-install-destdir make_install_destdir
run_case make-sources-host sources_host
run_case make-sources-arm sources_arm
if [ -f "$root/include/pram/pram.hpp" ]; then
    run_case cxx-host cxx_host
    run_case cxx-arm cxx_arm
else
    skip_case cxx-host "include/pram/pram.hpp is missing (the C++ interface is not written yet)"
    skip_case cxx-arm "include/pram/pram.hpp is missing (the C++ interface is not written yet)"
fi

if [ "$skipped" -gt 0 ]; then
    echo "integration: $passed cases passed, $skipped SKIPPED, in $((SECONDS - start)) s"
else
    echo "integration: all $passed cases passed in $((SECONDS - start)) s"
fi
