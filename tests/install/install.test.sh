#!/usr/bin/env bash
# Install the build tree into a temporary prefix, then build a user's
# program against the installed copy twice: with pkg-config and with CMake's
# find_package(netproto).  Both programs must run and print the same line.
set -euo pipefail
: "${NP_SOURCE_DIR:?}" "${NP_BINARY_DIR:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"
# Build the user's program the way the library was built: same compiler, and
# the sanitizer runtime when the library carries sanitizer instrumentation.
cache="$NP_BINARY_DIR/CMakeCache.txt"
cc=$(sed -n 's/^CMAKE_C_COMPILER:[A-Z]*=//p' "$cache")
san=""
grep -q '^NP_SANITIZE:BOOL=ON' "$cache" && san="-fsanitize=address,undefined"
cmake --install "$NP_BINARY_DIR" --prefix "$prefix" >/dev/null

cat >"$work/user.c" <<'C'
#include <netproto/netproto.h>
#include <stdio.h>
#include <string.h>
int main(void) {
  np_buf out;
  np_buf_init(&out, 0);
  if (np_buf_printf(&out, "netproto %s: %s", np_version(),
                    np_status_name(NP_ETOOLARGE)) != NP_OK)
    return 1;
  puts(out.data);
  np_buf_free(&out);
  return 0;
}
C
expected="netproto $(sed -nE 's/^project\(netproto VERSION ([0-9.]+).*/\1/p' "$NP_SOURCE_DIR/CMakeLists.txt"): NP_ETOOLARGE"

# 1. pkg-config, against the shared library.
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig:$prefix/lib64/pkgconfig:$(ls -d "$prefix"/lib/*/pkgconfig 2>/dev/null | tr '\n' ':')"
flags=$(pkg-config --cflags --libs netproto)
"$cc" -std=c17 -Wall -Werror $san "$work/user.c" -o "$work/user_pc" $flags
libdir=$(pkg-config --variable=libdir netproto)
got=$(LD_LIBRARY_PATH="$libdir" "$work/user_pc")
[ "$got" = "$expected" ] || { echo "pkg-config build printed '$got', expected '$expected'"; exit 1; }
echo "ok - pkg-config build: $got"

# 2. CMake find_package, against the static library.
mkdir -p "$work/cm"
cat >"$work/cm/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.20)
project(user C)
find_package(netproto REQUIRED)
add_executable(user_cm ../user.c)
target_link_libraries(user_cm PRIVATE netproto::netproto_static)
CM
cmake -S "$work/cm" -B "$work/cm/build" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_C_COMPILER="$cc" -DCMAKE_C_FLAGS="$san" -DCMAKE_EXE_LINKER_FLAGS="$san" >/dev/null
cmake --build "$work/cm/build" >/dev/null
got=$("$work/cm/build/user_cm")
[ "$got" = "$expected" ] || { echo "find_package build printed '$got', expected '$expected'"; exit 1; }
echo "ok - find_package build: $got"

# 3. Only np_ names are exported from the shared library.
so=$(ls "$libdir"/libnetproto.so.* | head -1)
bad=$(nm -D --defined-only "$so" | awk '{print $3}' | grep -vE '^np_[a-z0-9]' | grep -vE '^(_init|_fini)$' || true)
[ -z "$bad" ] || { echo "symbols exported without the np_ prefix:"; echo "$bad"; exit 1; }
echo "ok - every exported symbol is public API (np_, never np__)"
