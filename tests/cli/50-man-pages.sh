# Command-line test: the manual pages (docs/man/*.scd, rendered with scdoc as `make man` does):
# the seven pages exist and `MANWIDTH=80 man --warnings -l` renders each without a warning; every
# option a tool's --help prints is an item of its page, and every item of the page's OPTIONS is
# in --help (-h/--help aside); kdumpctl's commands and kcrash's commands (analyze/commands.c's
# table) match their pages' COMMANDS both ways; kdump.conf(5) names every key lib/kdump_conf.c knows.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
build=${KDK_BUILD:-$top/build}
for tool in kexec dumpsave mkdumprd kdumpctl kcrash; do
	[ -x "$build/$tool" ] || bail "build $tool (make)"
done
command -v scdoc > /dev/null || bail "scdoc is not installed (scripts/install-deps)"
command -v man > /dev/null || bail "man (man-db) is not installed"
work=$(mktemp -d "${TMPDIR:-/tmp}/man-pages-XXXX")
trap 'rm -rf "$work"' EXIT
export LC_ALL=C.UTF-8 MANWIDTH=80

pages="kexec.8 dumpsave.8 mkdumprd.8 kdumpctl.8 kdump-init.8 kcrash.1 kdump.conf.5"
is "$(cd "$top/docs/man" && ls *.scd | sed 's/\.scd$//' | sort | tr '\n' ' ')" \
	"$(tr ' ' '\n' <<< "$pages" | sort | tr '\n' ' ')" "docs/man holds the seven pages"
for page in $pages; do
	sed 's/@VERSION@/test/' "$top/docs/man/$page.scd" | scdoc > "$work/$page" 2> "$work/$page.scdoc" ||
		{ ok 1 "scdoc $page: $(head -c 200 "$work/$page.scdoc")"; continue; }
	# man's own locale would print hyphens as U+2010; ASCII keeps options greppable.
	LC_ALL=C man --warnings -l "$work/$page" > "$work/$page.txt" 2> "$work/$page.warnings"
	status=$?
	[ $status -eq 0 ] && [ ! -s "$work/$page.warnings" ] && [ -s "$work/$page.txt" ]
	ok $? "$page renders with no warning ($(wc -l < "$work/$page.txt") lines, exit $status): $(head -c 200 "$work/$page.warnings")"
done

# options TEXT: every -x / --long-name in TEXT that starts a word (after a blank, ',', '[', '(',
# '/' or '|'), one a line; "--initrd=FILE" gives --initrd.
options() { grep -oE -- '(^|[][ ,(/|])--?[A-Za-z][A-Za-z0-9-]*' | sed -E 's/^[][ ,(/|]//' | sort -u; }
# items PAGE [SECTION]: the item (tag) lines of a rendered page — 7 columns in, with the
# description 11 columns in on the next line — of one section (heading to next heading) or of all.
items() {
	if [ -n "${2:-}" ]; then
		sed -n "/^$2\$/,/^[A-Z]/p" "$work/$1.txt" | sed '1d'
	else
		cat "$work/$1.txt"
	fi | awk '/^           [^ ]/ && tag != "" { print tag } { tag = /^       [^ ]/ ? $0 : "" }'
}
# missing EXPECTED GOT: the words in EXPECTED missing from GOT.
missing() { comm -23 <(sort -u <<< "$1") <(sort -u <<< "$2") | tr '\n' ' '; }

for tool in kexec dumpsave mkdumprd kdumpctl kcrash; do
	page=$(ls "$work" | grep -E "^$tool\.[0-9]$")
	help=$("$build/$tool" --help 2>&1 | options)
	[ -n "$help" ] || { ok 1 "$tool --help lists options"; continue; }
	all_items=$(items "$page" | options)
	option_items=$(items "$page" OPTIONS | options | grep -vxE -- '-h|--help')
	gone=$(missing "$help" "$all_items")
	[ -z "$gone" ]
	ok $? "every option of $tool --help ($(wc -l <<< "$help")) is an item of $page${gone:+; missing: $gone}"
	extra=$(missing "$option_items" "$help")
	[ -z "$extra" ]
	ok $? "every item of $page's OPTIONS ($(wc -l <<< "$option_items")) is in $tool --help${extra:+; not there: $extra}"
done
# The commands: kdumpctl's from its --help ("  start   load…" lines), kcrash's from its table.
help_commands=$("$build/kdumpctl" --help | sed -n '2,/^Options/p' | grep -oE '^  [a-z][a-z-]*' | tr -d ' ')
page_commands=$(items kdumpctl.8 COMMANDS | awk '{print $1}')
gone=$(missing "$help_commands" "$page_commands") extra=$(missing "$page_commands" "$help_commands")
[ -n "$help_commands" ] && [ -z "$gone$extra" ]
ok $? "kdumpctl's $(wc -w <<< "$help_commands") commands are kdumpctl(8)'s COMMANDS${gone:+; missing: $gone}${extra:+; not in --help: $extra}"
table=$(grep -oE '^	\{ "[a-z]+", cmd_' "$top/analyze/commands.c" | cut -d'"' -f2 | sort -u)
page_commands=$(items kcrash.1 COMMANDS | awk '{print $1}')
gone=$(missing "$table" "$page_commands") extra=$(missing "$page_commands" "$table")
[ -n "$table" ] && [ -z "$gone$extra" ]
ok $? "kcrash's $(wc -w <<< "$table") commands (analyze/commands.c) are kcrash(1)'s COMMANDS${gone:+; missing: $gone}${extra:+; not in the table: $extra}"
# kdump.conf(5): each key of the table as a bold word of the source; each item of OPTIONS and
# DUMP TARGET a key (the "fstype device" item stands for the file system keys).
keys=$(grep -oE '^	\{ "[a-z_0-9]+", apply_' "$top/lib/kdump_conf.c" | cut -d'"' -f2)
bold=$(grep -oE '\*[a-z_0-9]+\*' "$top/docs/man/kdump.conf.5.scd" | tr -d '*')
gone=$(missing "$keys" "$bold")
[ -n "$keys" ] && [ -z "$gone" ]
ok $? "kdump.conf(5) names all $(wc -w <<< "$keys") keys of lib/kdump_conf.c${gone:+; missing: $gone}"
page_keys=$( (items kdump.conf.5 OPTIONS; items kdump.conf.5 'DUMP TARGET') |
	tr ',' '\n' | awk '{print $1}' | grep -vx fstype)
extra=$(missing "$page_keys" "$keys")
[ -n "$page_keys" ] && [ -z "$extra" ]
ok $? "every item of kdump.conf(5) is a key kdumpkit reads ($(wc -w <<< "$page_keys"))${extra:+; unknown: $extra}"
done_testing
