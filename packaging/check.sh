#!/usr/bin/env bash
# Checks the Debian packages (make pkg-check; CI runs it as root):
#   1. builds the three .debs (packaging/build-deb.sh), unless PKG_CHECK_DEBS
#      names existing ones;
#   2. each has the Architecture of its file name, a hostp2pd binary of that
#      architecture, the files and conffile it must ship, and the version of
#      the tree ("-dirty" when it has changes); a package whose binary is of
#      another architecture is shown to fail this;
#   3. lintian: no error; every warning is listed in docs/release.md;
#   4. both units: same hardening, and systemd-analyze verify is silent;
#   5. the maintainer scripts, with systemd faked: install never starts or
#      enables a unit, upgrade restarts running ones, remove stops, purge
#      cleans up;
#   6. as root: dpkg -i of the amd64 package (nothing enabled or started;
#      -V prints the version and commit; man renders both pages; bash
#      completion answers), dpkg -r keeps the edited conffile, dpkg --purge
#      removes it. An /etc/hostp2pd.yaml that was there before is put back.
# Idempotent; prints "pkg-check: N passed, 0 failed" and exits 0, or stops
# at the first failure with a message and a non-zero status.
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C.UTF-8
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
ok() { passed=$((passed + 1)); echo "ok   $*"; }
fail() { echo "FAIL $*" >&2; echo "pkg-check: $passed passed, 1 failed" >&2; exit 1; }

# --- 1. build
if [ -n "${PKG_CHECK_DEBS:-}" ]; then
	read -r -a debs <<<"$PKG_CHECK_DEBS"
else
	packaging/build-deb.sh >"$tmp/debs" || fail "packaging/build-deb.sh failed"
	mapfile -t debs <"$tmp/debs"
fi
[ ${#debs[@]} -eq 3 ] || fail "want 3 packages, got ${#debs[@]}: ${debs[*]}"
version=$(packaging/version.sh)
debversion=$(packaging/version.sh -d)
commit=$(packaging/version.sh -c)
dirty=no
case $version in *-dirty) dirty=yes ;; esac
for d in "${debs[@]}"; do
	echo "     $(basename "$d") $(du -k "$d" | cut -f1) KiB, installed $(dpkg-deb -f "$d" Installed-Size) KiB"
done

# --- 2. architecture and contents
# The ELF machine (e_machine, little-endian at offset 18) and class (byte 4:
# 1 = 32-bit, 2 = 64-bit) each Debian architecture must have.
elf_of() {
	local m c
	m=$(od -An -t u2 -j 18 -N 2 "$1" | tr -d ' ')
	c=$(od -An -t u1 -j 4 -N 1 "$1" | tr -d ' ')
	case "$c/$m" in
	2/62) echo amd64 ;;
	2/183) echo arm64 ;;
	1/40) echo armhf ;;
	*) echo "unknown(class=$c,machine=$m)" ;;
	esac
}
# verify_deb FILE: prints nothing and returns 0 when FILE is right.
verify_deb() {
	local f=$1 base arch ctl x want
	base=$(basename "$f" .deb)
	arch=${base##*_}
	ctl=$(dpkg-deb -f "$f" Architecture)
	[ "$ctl" = "$arch" ] || { echo "$f: Architecture $ctl, file name says $arch"; return 1; }
	x="$tmp/x-$arch-$$"
	rm -rf "$x"
	dpkg-deb -x "$f" "$x"
	[ "$(elf_of "$x/usr/sbin/hostp2pd")" = "$arch" ] ||
		{ echo "$f: Architecture $arch, but usr/sbin/hostp2pd is $(elf_of "$x/usr/sbin/hostp2pd")"; return 1; }
	for want in usr/sbin/hostp2pd etc/hostp2pd.yaml lib/systemd/system/hostp2pd.service \
		lib/systemd/system/hostp2pd@.service usr/share/man/man8/hostp2pd.8.gz \
		usr/share/man/man5/hostp2pd.yaml.5.gz usr/share/bash-completion/completions/hostp2pd \
		usr/share/hostp2pd/NetworkManager/90-hostp2pd-unmanaged.conf \
		usr/share/doc/hostp2pd/copyright usr/share/doc/hostp2pd/changelog.Debian.gz; do
		[ -f "$x/$want" ] || { echo "$f: no /$want"; return 1; }
	done
	[ "$(dpkg-deb --ctrl-tarfile "$f" | tar -xOf - ./conffiles)" = /etc/hostp2pd.yaml ] ||
		{ echo "$f: conffiles is not /etc/hostp2pd.yaml"; return 1; }
	[ "$(dpkg-deb -f "$f" Version)" = "$debversion" ] ||
		{ echo "$f: Version $(dpkg-deb -f "$f" Version), tree is $debversion"; return 1; }
	grep -q '^ExecStart=/usr/sbin/hostp2pd .*-i %i ' "$x/lib/systemd/system/hostp2pd@.service" ||
		{ echo "$f: hostp2pd@.service does not run /usr/sbin/hostp2pd -i %i"; return 1; }
	if [ -e "$x/etc/NetworkManager" ]; then echo "$f: ships an active NetworkManager drop-in"; return 1; fi
	if grep -q /usr/local "$x"/lib/systemd/system/*; then echo "$f: a unit names /usr/local"; return 1; fi
	rm -rf "$x"
}
for d in "${debs[@]}"; do
	out=$(verify_deb "$d") || fail "$out"
	ok "$(basename "$d"): Architecture, ELF $(dpkg-deb -f "$d" Architecture), files, conffile, version"
done
# The same check must reject a package whose binary is of another
# architecture: the amd64 package with the arm64 binary inside.
bad="$tmp/bad/hostp2pd_${debversion}_amd64.deb"
mkdir -p "$tmp/bad/root"
dpkg-deb -R "$(printf '%s\n' "${debs[@]}" | grep '_amd64\.deb$')" "$tmp/bad/root"
dpkg-deb --fsys-tarfile "$(printf '%s\n' "${debs[@]}" | grep '_arm64\.deb$')" |
	tar -xOf - ./usr/sbin/hostp2pd >"$tmp/bad/root/usr/sbin/hostp2pd"
dpkg-deb --root-owner-group --build "$tmp/bad/root" "$bad" >/dev/null
if out=$(verify_deb "$bad"); then fail "a wrong-architecture package passed the check"; fi
case $out in *"is arm64"*) ;; *) fail "wrong-architecture package rejected for another reason: $out" ;; esac
ok "an amd64 package holding an arm64 binary is rejected ($out)"

# "-dirty" comes from the tree's state: a clean clone has none, the same
# clone with an edit has it.
git clone -q --no-local . "$tmp/clone" 2>/dev/null || git clone -q . "$tmp/clone"
cv=$(VERSION_DIR="$tmp/clone" packaging/version.sh -d)
case $cv in *dirty*) fail "clean clone: version $cv" ;; esac
echo >>"$tmp/clone/README.md"
cd2=$(VERSION_DIR="$tmp/clone" packaging/version.sh -d)
cc2=$(VERSION_DIR="$tmp/clone" packaging/version.sh -c)
case "$cd2 $cc2" in *-dirty" "*-dirty) ;; *) fail "edited clone: version $cd2, commit $cc2" ;; esac
ok "version $cv for a clean tree, $cd2 once it has a change"

# --- 3. lintian
lintian --tag-display-limit 0 --display-info "${debs[@]}" >"$tmp/lintian" 2>&1 || true
grep -v '^running with root privileges' "$tmp/lintian" | sort | uniq -c | sed 's/^/     /'
if grep -q '^E:' "$tmp/lintian"; then fail "lintian errors (above)"; fi
for tag in $(sed -n 's/^W: [^:]*: \([a-z0-9-]*\).*/\1/p' "$tmp/lintian" | sort -u); do
	grep -q -- "\`$tag\`" docs/release.md || fail "lintian warning $tag is not listed and justified in docs/release.md"
done
ok "lintian: $(grep -c '^E:' "$tmp/lintian" || true) errors, $(grep -c '^W:' "$tmp/lintian" || true) warnings (listed in docs/release.md)"

# --- 4. units
hardening() { grep -E '^(Protect|Restrict|Private|Capability|NoNew|Lock|Memory|SystemCall|UMask|ReadWrite|State|Runtime|Type|Notify|Restart|Timeout|Watchdog|ExecReload)' "$1"; }
diff <(hardening contrib/hostp2pd.service) <(hardening contrib/hostp2pd@.service) >"$tmp/unitdiff" ||
	fail "hostp2pd.service and hostp2pd@.service differ in their [Service] settings: $(cat "$tmp/unitdiff")"
ok "hostp2pd.service and hostp2pd@.service share their service settings"

# --- 5. maintainer scripts with systemd "running": /run/systemd/system in a
# private /run (mount namespace), systemctl and deb-systemd-invoke replaced
# by loggers. Nothing may start or enable a unit.
ms="$tmp/ms"
mkdir -p "$ms/bin"
for c in systemctl deb-systemd-invoke; do
	printf '#!/bin/sh\necho "%s $*" >>"%s/log"\n' "$c" "$ms" >"$ms/bin/$c"
	chmod +x "$ms/bin/$c"
done
mscript() {
	: >"$ms/log"
	unshare -m sh -c 'mount -t tmpfs tmpfs /run && mkdir -p /run/systemd/system && PATH="$0:$PATH" exec sh "$@"' \
		"$ms/bin" "packaging/debian/$1" "${@:2}" || { echo "$1 ${*:2}: exit $?"; return; }
	tr '\n' ';' <"$ms/log"
}
expect() { [ "$1" = "$2" ] || fail "$3: ran \"$1\", want \"$2\""; }
expect "$(mscript postinst configure '')" "systemctl --system daemon-reload;" "postinst configure (install)"
expect "$(mscript postinst configure 0.0.1-1)" \
	"systemctl --system daemon-reload;deb-systemd-invoke try-restart hostp2pd.service hostp2pd@*.service;" "postinst configure (upgrade)"
expect "$(mscript prerm remove)" "deb-systemd-invoke stop hostp2pd.service hostp2pd@*.service;" "prerm remove"
expect "$(mscript prerm upgrade 9.9.9-1)" "" "prerm upgrade"
expect "$(mscript postrm remove)" "systemctl --system daemon-reload;" "postrm remove"
# purge in a DPKG_ROOT: leases, logs, enablement links go; the rest stays.
r="$tmp/purge-root"
mkdir -p "$r/var/lib/hostp2pd" "$r/var/log" "$r/etc/systemd/system/multi-user.target.wants"
touch "$r/var/lib/hostp2pd/leases-p2p-dev-wlan0.json" "$r/var/log/hostp2pd.log" "$r/var/log/hostp2pd-p2p-dev-wlan0.log.1" \
	"$r/var/log/syslog" "$r/etc/systemd/system/multi-user.target.wants/hostp2pd@p2p-dev-wlan0.service" \
	"$r/etc/systemd/system/multi-user.target.wants/ssh.service"
DPKG_ROOT=$r sh packaging/debian/postrm purge || fail "postrm purge: exit $?"
left=$(cd "$r" && find . -type f | sort | tr '\n' ' ')
expect "$left" "./etc/systemd/system/multi-user.target.wants/ssh.service ./var/log/syslog " "postrm purge (files left)"
ok "maintainer scripts: install only reloads systemd, upgrade try-restarts, remove stops, purge cleans up"

# --- 6. install, remove, purge (root)
if [ "$(id -u)" != 0 ]; then
	fail "dpkg -i needs root: run as root (CI does), or set PKG_CHECK_DEBS and check as root"
fi
if dpkg-query -W -f='${Status}' hostp2pd 2>/dev/null | grep -q 'installed\|config-files'; then
	fail "a hostp2pd package is already on this machine: dpkg --purge hostp2pd first"
fi
saved=
if [ -e /etc/hostp2pd.yaml ]; then
	saved="$tmp/saved-hostp2pd.yaml"
	mv /etc/hostp2pd.yaml "$saved"
fi
restore() {
	dpkg --purge hostp2pd >/dev/null 2>&1 || true
	if [ -n "$saved" ]; then mv "$saved" /etc/hostp2pd.yaml; fi
	rm -rf "$tmp"
}
trap restore EXIT
amd64=$(printf '%s\n' "${debs[@]}" | grep '_amd64\.deb$')
wants() { find /etc/systemd/system -name 'hostp2pd*' 2>/dev/null; }
before=$(wants)
dpkg -i "$amd64" >"$tmp/dpkg-i" 2>&1 || fail "dpkg -i: $(cat "$tmp/dpkg-i")"
[ "$(dpkg-query -W -f='${Status}' hostp2pd)" = "install ok installed" ] || fail "not installed after dpkg -i"
[ "$(wants)" = "$before" ] || fail "dpkg -i enabled a unit: $(wants)"
for p in /proc/[0-9]*; do
	[ "$(readlink "$p/exe" 2>/dev/null)" != /usr/sbin/hostp2pd ] || fail "dpkg -i started /usr/sbin/hostp2pd (pid ${p#/proc/})"
done
ok "dpkg -i $(basename "$amd64"): installed, no unit enabled, no daemon started"

got=$(/usr/sbin/hostp2pd -V)
[ "$got" = "hostp2pd version $version (commit $commit)" ] ||
	fail "-V printed \"$got\", want \"hostp2pd version $version (commit $commit)\""
case "$dirty/$got" in
yes/*-dirty*-dirty*) ;; no/*dirty*) fail "-V says dirty for a clean tree: $got" ;; yes/*) fail "-V: $got" ;;
esac
ok "hostp2pd -V: $got"

for u in hostp2pd.service hostp2pd@p2p-dev-wlan0.service; do
	src=/lib/systemd/system/$u
	[ "$u" = hostp2pd.service ] || { cp /lib/systemd/system/hostp2pd@.service "$tmp/$u"; src=$tmp/$u; }
	out=$(systemd-analyze verify "$src" 2>&1) || fail "systemd-analyze verify $u: $out"
	[ -z "$out" ] || fail "systemd-analyze verify $u: $out"
done
ok "systemd-analyze verify: hostp2pd.service, hostp2pd@p2p-dev-wlan0.service (binary, man pages found)"

for p in 8:hostp2pd 5:hostp2pd.yaml; do
	sec=${p%%:*} name=${p#*:}
	page=$(man -w "$sec" "$name") || fail "man -w $sec $name: not found"
	out=$(MANWIDTH=80 man --warnings -l "$page" 2>"$tmp/manerr") || fail "man -l $page"
	[ ! -s "$tmp/manerr" ] || fail "man -l $page: $(cat "$tmp/manerr")"
	lines=$(printf '%s\n' "$out" | wc -l)
	[ "$lines" -gt 100 ] || fail "man -l $page: only $lines lines"
	# Here-strings, not pipes: under pipefail, grep -q or head leaving early
	# kills the writer with SIGPIPE on a long page and fails the check.
	title=$(head -1 <<<"$out")
	grep -q "^${name^^}($sec)" <<<"$title" || fail "man -l $page: title $title"
	grep -q "hostp2pd $version" <<<"$out" || fail "man -l $page: no version $version in the footer"
done
# The generated pages follow docs/: an option and a key from them appear.
grep -q -- '--run_program' <<<"$(MANWIDTH=200 man 8 hostp2pd 2>/dev/null)" || fail "hostp2pd(8) lacks --run_program"
grep -q 'activate_persistent_group' <<<"$(MANWIDTH=200 man 5 hostp2pd.yaml 2>/dev/null)" || fail "hostp2pd.yaml(5) lacks activate_persistent_group"
ok "man renders hostp2pd(8) and hostp2pd.yaml(5) without warnings, version $version"

# bash completion: every long option of --help is offered, and subcommands.
comp() {
	bash -c 'source /usr/share/bash-completion/completions/hostp2pd; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _hostp2pd; printf "%s\n" "${COMPREPLY[@]}"' comp "$@"
}
opts=$(comp hostp2pd --)
for o in $(/usr/sbin/hostp2pd --help | grep -o -- '--[a-z_]\+' | sort -u); do
	grep -qx -- "$o" <<<"$opts" || fail "bash completion does not offer $o (from --help)"
done
[ "$(comp hostp2pd st | tr '\n' ' ')" = "status " ] || fail "bash completion of 'st': $(comp hostp2pd st)"
[ "$(comp hostp2pd -c /etc/hostp2pd.yaml di | tr '\n' ' ')" = "disconnect " ] || fail "bash completion after -c FILE"
ok "bash completion: every --help option, subcommands"

[ -f /usr/share/hostp2pd/NetworkManager/90-hostp2pd-unmanaged.conf ] && [ ! -e /etc/NetworkManager/conf.d/90-hostp2pd-unmanaged.conf ] ||
	fail "NetworkManager drop-in not installed disabled"
ok "NetworkManager drop-in installed, not active"

echo "# edited by pkg-check" >>/etc/hostp2pd.yaml
dpkg -r hostp2pd >"$tmp/dpkg-r" 2>&1 || fail "dpkg -r: $(cat "$tmp/dpkg-r")"
[ "$(dpkg-query -W -f='${Status}' hostp2pd)" = "deinstall ok config-files" ] || fail "status after dpkg -r: $(dpkg-query -W -f='${Status}' hostp2pd)"
[ ! -e /usr/sbin/hostp2pd ] && [ ! -e /lib/systemd/system/hostp2pd.service ] || fail "files left after dpkg -r"
tail -1 /etc/hostp2pd.yaml | grep -q 'edited by pkg-check' || fail "dpkg -r did not keep the edited /etc/hostp2pd.yaml"
ok "dpkg -r: files gone, edited /etc/hostp2pd.yaml kept"

mkdir -p /var/lib/hostp2pd && echo '{}' >/var/lib/hostp2pd/leases-p2p-dev-wlan0.json
dpkg --purge hostp2pd >"$tmp/dpkg-p" 2>&1 || fail "dpkg --purge: $(cat "$tmp/dpkg-p")"
[ ! -e /etc/hostp2pd.yaml ] || fail "/etc/hostp2pd.yaml left after dpkg --purge"
[ ! -e /var/lib/hostp2pd ] || fail "/var/lib/hostp2pd left after dpkg --purge"
if dpkg-query -W hostp2pd >/dev/null 2>&1 && [ -n "$(dpkg-query -W -f='${Status}' hostp2pd | grep -v not-installed)" ]; then
	fail "dpkg still knows hostp2pd after --purge"
fi
ok "dpkg --purge: /etc/hostp2pd.yaml and /var/lib/hostp2pd gone"

echo "pkg-check: $passed passed, 0 failed"
