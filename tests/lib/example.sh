# Sourced by the tests that build an example the way a user would: cc, the
# public headers and the build tree's libnetproto.a, with -Werror, the same
# compiler as the library and the sanitizer runtime when the library carries
# sanitizer instrumentation.
#
#   . "$NP_SOURCE_DIR/tests/lib/example.sh"
#   np_build_example url_split "$work/url_split"   # examples/url_split.c
#
# Prints "ok - ..." or "not ok - ..." and returns non-zero when the build
# fails.

: "${NP_SOURCE_DIR:?}" "${NP_BINARY_DIR:?}"

np_build_example() { # NAME OUTPUT
  local cache="$NP_BINARY_DIR/CMakeCache.txt" cc san=""
  cc=$(sed -n 's/^CMAKE_C_COMPILER:[A-Z]*=//p' "$cache")
  grep -q '^NP_SANITIZE:BOOL=ON' "$cache" && san="-fsanitize=address,undefined"
  if "${cc:-cc}" -std=c17 -Wall -Wextra -Wpedantic -Werror $san \
       -I"$NP_SOURCE_DIR/include" "$NP_SOURCE_DIR/examples/$1.c" \
       "$NP_BINARY_DIR/libnetproto.a" -lssl -lcrypto -lz -lpthread -o "$2"; then
    echo "ok - examples/$1.c builds with -Werror"
  else
    echo "not ok - examples/$1.c builds with -Werror"
    return 1
  fi
}
