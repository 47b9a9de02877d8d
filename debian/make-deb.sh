#!/bin/sh
# make-deb.sh - make deb: the Debian package, built with Debian's tooling
#
# dpkg-buildpackage writes its results beside the source tree, so it runs
# on a copy: every file git knows (tracked, or new and not ignored; the
# whole tree but build/ and .git outside git) goes to
# $BUILD/deb-src/x400/, and the .deb files are moved to $BUILD/. The
# copy starts from this tree's own build/gen, build/norm and build/bin
# when they exist (timestamps kept, so make rebuilds exactly what it
# would here), which is why the pre-clean is skipped: the copy is fresh
# every time. DEB_JOBS (default 2) is passed as -j.
set -eu
build=${BUILD:-build}
jobs=${DEB_JOBS:-2}
top=$build/deb-src
src=$top/x400

rm -rf "$top"
mkdir -p "$src"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -z -c -o --exclude-standard
else
	find . \( -path ./build -o -path ./.git \) -prune -o -type f -print0
fi | tar --null --ignore-failed-read -T - -cf - | tar -xf - -C "$src"
for d in gen norm bin; do
	if [ -d "$build/$d" ]; then
		mkdir -p "$src/build"
		cp -a "$build/$d" "$src/build/"
	fi
done

rm -f "$build"/x400_*.deb "$build"/x400-dbgsym_*.deb
(cd "$src" && dpkg-buildpackage -us -uc -b --no-pre-clean -j"$jobs")
mv "$top"/*.deb "$build"/
for f in "$build"/x400_*.deb; do
	echo "deb: $f"
done
