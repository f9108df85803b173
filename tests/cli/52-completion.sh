# Command-line test: the bash completion (completion/kdumpctl, completion/kcrash), sourced into a
# fresh bash and asked as bash asks it (COMP_WORDS, COMP_CWORD, then the function; COMPREPLY read
# back). Its word lists are checked against the tools: kdumpctl's commands and options against
# kdumpctl --help, kcrash's options against kcrash --help, its commands against analyze/commands.c.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
build=${KDK_BUILD:-$top/build}
for tool in kdumpctl kcrash; do
	[ -x "$build/$tool" ] || bail "build $tool (make)"
	[ -f "$top/completion/$tool" ] || bail "completion/$tool is missing"
done
work=$(mktemp -d "${TMPDIR:-/tmp}/completion-XXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || bail "cd $work"
touch vmcore vmlinux-6.1 cmds.txt
mkdir sysdir

# complete_line TOOL WORD... : COMPREPLY, sorted, one element per '|'-separated field (a candidate
# may hold blanks: "'sys; bt"), for the command line "WORD..." with the cursor at the end of the
# last word (give '' to complete a new word).
complete_line() {
	local tool=$1; shift
	bash --norc --noprofile -c '
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		"_${COMP_WORDS[0]//-/_}"
		complete -p "${COMP_WORDS[0]}" > /dev/null || echo "no complete -F for ${COMP_WORDS[0]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort | paste -sd "|"' \
		completion "$top/completion/$tool" "$tool" "$@"
}

# kdumpctl: the commands, from --help.
help_commands=$("$build/kdumpctl" --help | sed -n '2,/^Options/p' | grep -oE '^  [a-z][a-z-]*' | tr -d ' ' | sort | paste -sd '|')
is "$(complete_line kdumpctl '')" "$help_commands" "kdumpctl <Tab> offers every command of kdumpctl --help"
is "$(complete_line kdumpctl re)" "rebuild|reload|reset-crashkernel|restart" "kdumpctl re<Tab>"
is "$(complete_line kdumpctl --conf /etc/kdump.conf st)" "start|status|stop" "kdumpctl --conf FILE st<Tab>: the option's argument is no command"
help_options=$( ("$build/kdumpctl" --help | sed -n '/^Options/,$p' | grep -oE -- '--[a-z]+'; echo --help) | sort -u | paste -sd '|')
is "$(complete_line kdumpctl --)" "$help_options" "kdumpctl --<Tab> offers the options of kdumpctl --help (and --help)"
is "$(complete_line kdumpctl --settings vm)" "vmcore|vmlinux-6.1" "kdumpctl --settings <Tab> completes file names"
is "$(complete_line kdumpctl --sysfs '')" "sysdir" "kdumpctl --sysfs <Tab> completes directories only"
is "$(complete_line kdumpctl test --)" "--force" "kdumpctl test --<Tab>"
is "$(complete_line kdumpctl reset-crashkernel --s)" "--size=" "kdumpctl reset-crashkernel --s<Tab>"
is "$(complete_line kdumpctl status '')" "" "kdumpctl status <Tab>: nothing (it takes no arguments)"

# kcrash: options from --help, commands from the table.
help_options=$( ("$build/kcrash" --help | grep -oE -- '(^|[ /])--?[a-z]+' | tr -d ' /'; echo --help) | sort -u | paste -sd '|')
is "$(complete_line kcrash -)" "$help_options" "kcrash -<Tab> offers the options of kcrash --help (and --help)"
table=$(grep -oE '^	\{ "[a-z]+", cmd_' "$top/analyze/commands.c" | cut -d'"' -f2 | sort -u | paste -sd '|')
is "$(complete_line kcrash vmcore -c '')" "$table" "kcrash VMCORE -c <Tab> offers every command of analyze/commands.c"
is "$(complete_line kcrash vmcore -c s)" "search|set|sig|struct|sym|sys" "kcrash VMCORE -c s<Tab>"
is "$(complete_line kcrash vmcore -c "'sys; b")" "'sys; bt" "-c 'sys; b<Tab>: the command after the last ';'"
is "$(complete_line kcrash vmcore -c "'bt -")" "'bt -F|'bt -FF|'bt -T|'bt -a|'bt -c|'bt -f|'bt -l|'bt -s|'bt -t" "-c 'bt -<Tab>: bt's options"
is "$(complete_line kcrash vmcore -c 'log -')" "log -T|log -c|log -m|log -t" "-c log -<Tab>"
is "$(complete_line kcrash vm)" "vmcore|vmlinux-6.1" "kcrash vm<Tab> completes file names (VMLINUX, VMCORE)"
is "$(complete_line kcrash vmcore -i cm)" "cmds.txt" "kcrash VMCORE -i <Tab> completes file names"
done_testing
