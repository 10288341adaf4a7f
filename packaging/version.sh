#!/bin/sh
# Prints the version of the tree: `git describe` of the newest v* tag
# (v1.2.3, or v1.2.3-4-gabcdef0 four commits after it), 0.0.0-N-gHASH
# before the first tag, and "-dirty" appended when `git status` shows any
# change, untracked files included: the same test the Go tool uses for the
# vcs.modified it stamps into the binary, so `hostp2pd -V` agrees with the
# package version. With -c, prints the commit instead: the full hash,
# with "-dirty" on the same condition. With -d, the Debian version: the same
# with "+N.gHASH" for "-N-gHASH" and a Debian revision, "-1" for a clean
# tree and "-dirty" for a dirty one: 1.2.3-1, 1.2.3+4.gabcdef0-dirty.
# VERSION_DIR: the tree to look at (default: this script's).
set -eu
cd "${VERSION_DIR:-$(dirname "$0")/..}"
if ! git rev-parse --git-dir >/dev/null 2>&1; then
	# a source tarball: no tag, no commit
	if [ "${1:-}" = -c ]; then echo unknown; else echo 0.0.0-dev; fi
	exit 0
fi
v=$(git describe --tags --match 'v[0-9]*' 2>/dev/null) ||
	v="0.0.0-$(git rev-list --count HEAD)-g$(git rev-parse --short=7 HEAD)"
dirty=
[ -z "$(git status --porcelain 2>/dev/null)" ] || dirty=-dirty
v="$v$dirty"
if [ "${1:-}" = -c ]; then
	printf '%s%s\n' "$(git rev-parse HEAD)" "$dirty"
	exit 0
fi
if [ "${1:-}" = -d ]; then
	# v1.2.3-4-gabc[-dirty] -> 1.2.3+4.gabc-1 or -dirty
	v=$(printf '%s\n' "$v" | sed -E 's/^v//; s/-([0-9]+)-g([0-9a-f]+)/+\1.g\2/')
	case $v in
	*-dirty) ;;
	*) v="$v-1" ;;
	esac
fi
printf '%s\n' "$v"
