#!/usr/bin/env bash
# Builds hostp2pd_<version>_<arch>.deb for amd64, arm64 and armhf (GOARM=6,
# which runs on every Raspberry Pi) into bin/deb/, with dpkg-deb from a
# staged tree: Debian's own tool, on every Debian machine, producing exactly
# what dpkg and lintian expect, with nothing to download.
#
#   packaging/build-deb.sh [ARCH...]      (default: amd64 arm64 armhf)
#
# The version is packaging/version.sh -d (git tags, "-dirty" for a tree
# with changes). The man pages are generated from docs/cli.md and
# docs/config.md (packaging/mdman + go-md2man), so they follow those files.
# Environment: GO (go), DEB_MAINTAINER, OUT (bin/deb).
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
OUT=${OUT:-bin/deb}
MAINTAINER=${DEB_MAINTAINER:-hostp2pd maintainers <hostp2pd@users.noreply.github.com>}
ARCHES=("$@")
[ ${#ARCHES[@]} -gt 0 ] || ARCHES=(amd64 arm64 armhf)

VERSION=$(packaging/version.sh)      # what hostp2pd -V prints
COMMIT=$(packaging/version.sh -c)
DEBVERSION=$(packaging/version.sh -d) # the package's Version
# Reproducible: every timestamp is the commit's.
SOURCE_DATE_EPOCH=$(git log -1 --format=%ct 2>/dev/null || date +%s)
export SOURCE_DATE_EPOCH
DATE=$(date -u -d "@$SOURCE_DATE_EPOCH" +%F)
first=$(git log --max-parents=0 --format=%cd --date=format:%Y 2>/dev/null | sort | sed -n 1p)
last=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y)
YEARS=${first:-$last}
[ "$YEARS" = "$last" ] || YEARS="$YEARS-$last"

mkdir -p "$OUT"
work="$OUT/work"
rm -rf "$work"
mkdir -p "$work/man"

md2man() {
	if command -v go-md2man >/dev/null; then
		go-md2man "$@"
	else
		"$GO" run github.com/cpuguy83/go-md2man/v2@v2.0.7 "$@"
	fi
}

# Manual pages (architecture-independent: built once).
"$GO" run ./packaging/mdman -version "$VERSION" -date "$DATE" \
	docs/man/hostp2pd.8.md docs/cli.md >"$work/man/hostp2pd.8.md"
"$GO" run ./packaging/mdman -version "$VERSION" -date "$DATE" -drop "For Go code" \
	docs/man/hostp2pd.yaml.5.md docs/config.md >"$work/man/hostp2pd.yaml.5.md"
md2man -in "$work/man/hostp2pd.8.md" -out "$work/man/hostp2pd.8"
md2man -in "$work/man/hostp2pd.yaml.5.md" -out "$work/man/hostp2pd.yaml.5"

# A unit as packaged: the binary in /usr/sbin, the manual pages as docs,
# the "Install by hand" paragraph replaced by a word on drop-ins.
unit() {
	sed -e '/^# Install by hand/,/^#$/d' \
		-e '1a # Installed by the hostp2pd package: change it with "systemctl edit", not here.' \
		-e 's#/usr/local/bin/hostp2pd#/usr/sbin/hostp2pd#g' \
		-e 's#^Documentation=.*#Documentation=man:hostp2pd(8) man:hostp2pd.yaml(5)#' "$1"
}

gz() { gzip -9n <"$1" >"$2"; }

for arch in "${ARCHES[@]}"; do
	case $arch in
	amd64) goarch=amd64 goarm= ;;
	arm64) goarch=arm64 goarm= ;;
	armhf) goarch=arm goarm=6 ;;
	*) echo "build-deb: unknown architecture $arch (amd64, arm64, armhf)" >&2; exit 2 ;;
	esac
	root="$work/$arch"
	mkdir -p "$root/DEBIAN" "$root/usr/sbin" "$root/etc" "$root/lib/systemd/system" \
		"$root/usr/share/man/man8" "$root/usr/share/man/man5" \
		"$root/usr/share/bash-completion/completions" \
		"$root/usr/share/hostp2pd/NetworkManager" "$root/usr/share/doc/hostp2pd"

	CGO_ENABLED=0 GOOS=linux GOARCH=$goarch GOARM=$goarm "$GO" build -trimpath \
		-ldflags "-s -w -X main.version=$VERSION -X main.commit=$COMMIT" -o "$root/usr/sbin/hostp2pd" ./cmd/hostp2pd

	install -m 0644 contrib/hostp2pd.yaml "$root/etc/hostp2pd.yaml"
	unit contrib/hostp2pd.service >"$root/lib/systemd/system/hostp2pd.service"
	unit contrib/hostp2pd@.service >"$root/lib/systemd/system/hostp2pd@.service"
	gz "$work/man/hostp2pd.8" "$root/usr/share/man/man8/hostp2pd.8.gz"
	gz "$work/man/hostp2pd.yaml.5" "$root/usr/share/man/man5/hostp2pd.yaml.5.gz"
	install -m 0644 contrib/hostp2pd.bash-completion "$root/usr/share/bash-completion/completions/hostp2pd"
	install -m 0644 contrib/90-hostp2pd-unmanaged.conf "$root/usr/share/hostp2pd/NetworkManager/"
	doc="$root/usr/share/doc/hostp2pd"
	gz README.md "$doc/README.md.gz"
	gz docs/security.md "$doc/security.md.gz"
	gz CHANGELOG.md "$doc/changelog.gz" # the upstream changelog
	# The Debian-format changelog dpkg and lintian look for.
	{
		printf 'hostp2pd (%s) unstable; urgency=medium\n\n' "$DEBVERSION"
		printf '  * Built from %s; see changelog.gz for the changes.\n\n' "$VERSION"
		printf ' -- %s  %s\n' "$MAINTAINER" "$(date -u -R -d "@$SOURCE_DATE_EPOCH")"
	} >"$work/changelog"
	gz "$work/changelog" "$doc/changelog.Debian.gz"
	modules=$("$GO" version -m "$root/usr/sbin/hostp2pd" | awk '$1 == "dep" { printf " %s %s\n", $2, $3 }')
	awk -v m="$modules" -v y="$YEARS" '$0 == "@MODULES@" { print m; next } { gsub("@YEARS@", y); print }' \
		packaging/debian/copyright >"$doc/copyright"
	mkdir -p "$root/usr/share/lintian/overrides"
	install -m 0644 packaging/debian/lintian-overrides "$root/usr/share/lintian/overrides/hostp2pd"

	install -m 0755 packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm "$root/DEBIAN/"
	install -m 0644 packaging/debian/conffiles "$root/DEBIAN/"
	size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
	sed -e "s/@VERSION@/$DEBVERSION/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" \
		-e "s/@MAINTAINER@/$MAINTAINER/" packaging/debian/control.in >"$root/DEBIAN/control"
	(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z |
		xargs -0 md5sum) >"$root/DEBIAN/md5sums"
	chmod 0644 "$root/DEBIAN/md5sums" "$root/DEBIAN/control"
	find "$root" -type d -exec chmod 0755 {} +
	find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

	deb="$OUT/hostp2pd_${DEBVERSION}_${arch}.deb"
	rm -f "$OUT"/hostp2pd_*_"$arch".deb
	dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
	echo "$deb"
done
