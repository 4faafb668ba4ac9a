#!/usr/bin/env bash
# Builds ngx_http_kt_module.so for the system's nginx (Debian's nginx-dev sources and
# configure flags, --with-compat) into artifacts/nginx/, with libkt.so beside it.
#
#   bindings/nginx/build.sh [LIBDIR]    LIBDIR holds libkt.so (default artifacts/native)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
libdir="$(cd "${1:-$repo/artifacts/native}" && pwd)"
out="$repo/artifacts/nginx"
src="$out/src"
nginx_src=/usr/share/nginx/src

if [[ ! -f $libdir/libkt.so ]]; then
    echo "build.sh: no libkt.so in $libdir (run ./build.sh native)" >&2
    exit 2
fi
if [[ ! -f $nginx_src/conf_flags ]]; then
    echo "build.sh: no $nginx_src/conf_flags (install nginx-dev)" >&2
    exit 2
fi

mkdir -p "$out"
# Configure once; a changed module or libkt only needs make.
stamp="$src/.kt-configured"
if [[ ! -f $stamp || $here/config -nt $stamp ]]; then
    rm -rf "$src"
    cp -r "$nginx_src" "$src"
    # shellcheck disable=SC1091
    source "$nginx_src/conf_flags"
    (cd "$src" && KT_INCLUDE="$repo/native/include" KT_LIBDIR="$libdir" \
        ./configure "${NGX_CONF_FLAGS[@]}" --add-dynamic-module="$here" >"$out/configure.log" 2>&1) || {
        tail -n 30 "$out/configure.log" >&2
        exit 1
    }
    touch "$stamp"
fi

# libkt.so is found beside the module at run time
make -C "$src" -f objs/Makefile -j"$(nproc)" LINK="\$(CC) '-Wl,-rpath,\$\$ORIGIN'" modules >"$out/make.log" 2>&1 || {
    grep -E 'error|warning' "$out/make.log" >&2 || tail -n 30 "$out/make.log" >&2
    exit 1
}
cp "$src/objs/ngx_http_kt_module.so" "$out/"
cp "$libdir/libkt.so" "$out/"
# perf finds libkt.so's symbols through its debug link, beside it
if [[ -f $libdir/libkt.so.dbg ]]; then cp "$libdir/libkt.so.dbg" "$out/"; fi
echo "built $out/ngx_http_kt_module.so"
