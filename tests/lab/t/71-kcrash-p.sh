# Lab test: kcrash's p/px/pd, list, kmem -s, kmem ADDRESS, set and task on the sysrq fixture of
# every lab kernel, with the -dbg vmlinux and with the dump alone, against reference peers:
#   - 6.1: Debian's crash 8.0.2, one batch session: every p expression (shaped like the reference
#     transcripts: globals, members, casts, ->, [i], &, *, @, sizeof, arithmetic, per-CPU :a/:N),
#     list, kmem -s, kmem ADDRESS, set and task print the same text (the "$N = " numbering aside);
#     with no vmlinux, the same values from the cast forms (BTF types only per-CPU variables: a
#     global is typed by a cast there, as gdb asks for symbols without debug info), address names
#     (" <sym+off>", which need symbol sizes) left out;
#   - 6.12 and 7.2: crash 8.0.2 cannot run there (it aborts at random on 6.12 and cannot read 7.x):
#     drgn 0.0.22 stands in, reading our -l -d 0 copy with the vmlinux: each p value, list's
#     entries, kmem -s's caches (name, objsize, total, slabs; allocated where drgn's
#     slab_cache_for_each_allocated_object works) and set's panic task.
. "$(dirname "$0")/../lab.sh"

kcrash=$KDK_BUILD/kcrash
[ -x "$kcrash" ] || bail "$kcrash not built (make)"
command -v crash > /dev/null || bail "Debian's crash is not installed (the 6.1 oracle)"
/usr/bin/python3 -c 'import drgn' 2> /dev/null || bail "python3-drgn is not installed (the 6.12/7.x oracle)"

# "$N = " and crash's "name = " before it go; with no vmlinux also the " <sym+off>" names.
norm() { sed -E 's/^([A-Za-z_][A-Za-z0-9_]* = )?\$[0-9]+ = //; s/^(per_cpu\([^)]*\) = )\$[0-9]+ = /\1/'; }
# Split a batch's output at the marker lines ("ffffffff… (D) init_task", from the `sym init_task`
# after each command): command i's output in DIR/i.txt.
split_out() { awk -v dir="$2" 'BEGIN { n = 0 } /^[0-9a-f]+ \([A-Za-z]\) init_task$/ { n++; next }
	/^WARNING: active task .* not found in PID hash$/ || /^$/ { next }
	{ print > (dir "/" n ".txt") }' "$1"; }
no_names() { sed -E 's/ <[a-z_A-Z0-9.]+(\+[0-9]+)?>//g'; }

# One expression per line: the form with the vmlinux | the form from the dump alone ("=" the same).
P_EXPRS='p jiffies|p (unsigned long)jiffies
px jiffies|px (unsigned long)jiffies
pd jiffies|pd (unsigned long)jiffies
p init_task.comm|p ((struct task_struct *)&init_task)->comm
px &init_task|px (struct task_struct *)&init_task
p sizeof(struct task_struct)|=
p init_task.tasks.next|p ((struct task_struct *)&init_task)->tasks.next
p init_task.tasks|p ((struct task_struct *)&init_task)->tasks
p *(struct list_head *)init_task.tasks.next|p *((struct task_struct *)&init_task)->tasks.next
p irq_stat:a|=
p irq_stat:1|=
p this_cpu_off:0|=
p this_cpu_off:a|=
p runqueues:1|=
p init_task.pid|p ((struct task_struct *)&init_task)->pid
p &init_task.tasks|p &((struct task_struct *)&init_task)->tasks
p init_task.mm|p ((struct task_struct *)&init_task)->mm
p init_uts_ns.name.release|p ((struct uts_namespace *)&init_uts_ns)->name.release
p nr_cpu_ids|p (unsigned int)nr_cpu_ids
p init_task.se.load|p ((struct task_struct *)&init_task)->se.load
px init_task.se.load|px ((struct task_struct *)&init_task)->se.load
p (char)65|=
p jiffies+1|p (unsigned long)jiffies+1
p &init_task.comm[1]|p &((struct task_struct *)&init_task)->comm[1]
p *init_task.comm@2|p *((struct task_struct *)&init_task)->comm@2
p sizeof(init_task)|p sizeof(*(struct task_struct *)&init_task)
p max_pfn|p (unsigned long)max_pfn
p init_task.cred|p ((struct task_struct *)&init_task)->cred
p init_mm.pgd|p ((struct mm_struct *)&init_mm)->pgd
p init_task.flags|p ((struct task_struct *)&init_task)->flags
p init_task.tasks.next->next|p ((struct task_struct *)&init_task)->tasks.next->next
p modules|p *(struct list_head *)&modules'
REST_CMDS='list -H modules -s module.name -o module.list
list task_struct.tasks -s task_struct.pid,comm -h init_task
kmem -s
set
task'

for release in $KDK_LAB_KERNELS; do
	lab_kernel_fetch "$release" --dbg || bail "fetch $release"
	vmlinux=$(lab_kernel_dir "$release")/vmlinux
	lab_fixture "$release" sysrq > /dev/null || bail "$release: sysrq fixture"
	fx=$KDK_CACHE/fixtures/$release/sysrq
	dump=$fx/vmcore.elf
	work=$(lab_run_dir "kcrash-p-$release")
	TAP_KEEP_DIRS=("$work")
	cut -d'|' -f1 <<< "$P_EXPRS" > "$work/with.cmds"
	while IFS='|' read -r with without; do
		[ "$without" = "=" ] && without=$with
		echo "$without"
	done <<< "$P_EXPRS" > "$work/without.cmds"
	n=$(wc -l < "$work/with.cmds")

	case $release in
	6.1.*)
		# crash 8.0.2, one session: every p, then list, kmem -s, a slab object's kmem, set, task
		start=$(date +%s.%N)
		# the slab object: where init_task.tasks.next points (a task_struct), found by kcrash
		obj=$("$kcrash" "$vmlinux" "$dump" -c 'px init_task.tasks.next' 2> /dev/null | sed -n 's/.*) 0x\([0-9a-f]*\).*/\1/p')
		[ -n "$obj" ] || bail "$release: kcrash px init_task.tasks.next gave no address"
		rest=$(printf '%s\nkmem %s\n' "$REST_CMDS" "$obj")
		# one command per file line for both tools: crash output is cut at each command by a marker
		: > "$work/batch"
		while IFS= read -r c; do printf '%s\n' "$c" >> "$work/batch"; done < "$work/with.cmds"
		printf '%s\n' "$rest" >> "$work/batch"
		# crash prints nothing between commands: a marker command after each (sym of a fixed
		# symbol) cuts its output; kcrash gets the same batch
		sed 's/$/\nsym init_task/' "$work/batch" > "$work/batch.marked"
		timeout 900 crash -s "$vmlinux" "$dump" < <(cat "$work/batch.marked"; echo quit) \
			> "$work/crash.out" 2> "$work/crash.err"
		crash_secs=$(echo "$(date +%s.%N) - $start" | bc)
		start=$(date +%s.%N)
		"$kcrash" "$vmlinux" "$dump" < "$work/batch.marked" > "$work/ours.out" 2> "$work/ours.err"
		ours_secs=$(echo "$(date +%s.%N) - $start" | bc)
		ok 0 "$release: crash 8.0.2 ran the batch in $(printf '%.1f' "$crash_secs") s, kcrash with the vmlinux in $(printf '%.1f' "$ours_secs") s"
		mkdir -p "$work/crash" "$work/ours" "$work/bare"
		split_out "$work/crash.out" "$work/crash"
		split_out "$work/ours.out" "$work/ours"
		# the dump alone: the cast forms, then the same rest
		{ cat "$work/without.cmds"; printf '%s\n' "$rest"; } | sed 's/$/\nsym init_task/' > "$work/bare.marked"
		start=$(date +%s.%N)
		"$kcrash" "$dump" < "$work/bare.marked" > "$work/bare.out" 2> "$work/bare.err"
		bare_secs=$(echo "$(date +%s.%N) - $start" | bc)
		split_out "$work/bare.out" "$work/bare"
		i=0 p_same=0 p_bare_same=0 p_total=0
		while IFS= read -r cmd; do
			theirs=$(norm < "$work/crash/$i.txt" 2> /dev/null)
			ours=$(norm < "$work/ours/$i.txt" 2> /dev/null)
			bare=$(norm < "$work/bare/$i.txt" 2> /dev/null | no_names)
			if [ "$i" -lt "$n" ]; then
				p_total=$((p_total + 1))
				bare_cmd=$(sed -n "$((i + 1))p" "$work/without.cmds")
				if [[ "$theirs" == *"gdb request failed"* || -z "$theirs" ]]; then
					ok 1 "$release: crash could not evaluate '$cmd' (its output: $(head -c 200 "$work/crash/$i.txt" 2> /dev/null)): the expression list needs fixing"
					i=$((i + 1)); continue
				fi
			fi
			if [ "$ours" = "$theirs" ]; then
				[ "$i" -lt "$n" ] && p_same=$((p_same + 1))
				ok 0 "$release: '$cmd' with the vmlinux prints what crash prints ($(wc -l <<< "$theirs") lines: $(head -n 1 <<< "$theirs" | cut -c1-80))"
			else
				ok 1 "$release: '$cmd' with the vmlinux differs from crash"
				diff <(echo "$theirs") <(echo "$ours") | head -n 10 | while IFS= read -r l; do diag "$l"; done
			fi
			if [ "$bare" = "$(no_names <<< "$theirs")" ]; then
				[ "$i" -lt "$n" ] && p_bare_same=$((p_bare_same + 1))
				ok 0 "$release: '${bare_cmd:-$cmd}' from the dump alone (kallsyms + the dump's BTF) gives crash's values"
			else
				ok 1 "$release: '${bare_cmd:-$cmd}' from the dump alone differs from crash's '$cmd'"
				diff <(no_names <<< "$theirs") <(echo "$bare") | head -n 10 | while IFS= read -r l; do diag "$l"; done
			fi
			bare_cmd=
			i=$((i + 1))
		done < "$work/batch"
		[ "$p_total" -ge 20 ] && [ "$p_same" = "$p_total" ] && [ "$p_bare_same" = "$p_total" ]
		ok $? "$release: $p_same of $p_total p expressions equal crash's with the vmlinux, $p_bare_same from the dump alone (at least 20 asked; dump alone $(printf '%.1f' "$bare_secs") s)"
		;;
	*)
		# drgn stands in for crash here: our -l -d 0 copy (drgn 0.0.22 cannot read QEMU's 7.x ELF)
		"$KDK_BUILD/dumpsave" -f -l -d 0 "$dump" "$work/oracle.kdump" 2> /dev/null ||
			bail "$release: dumpsave -l -d 0 the fixture for drgn"
		cat > "$work/oracle.py" <<-'EOF'
		import drgn, sys
		from drgn import Object, cast, sizeof
		from drgn.helpers.linux.list import list_for_each_entry
		from drgn.helpers.linux.percpu import per_cpu
		p = drgn.Program(); p.set_core_dump(sys.argv[1]); p.load_debug_info([sys.argv[2]])
		it = p['init_task']
		def s(o): return '"%s"' % o.string_().decode()
		vals = [
		 ('p jiffies|p (unsigned long)jiffies', str(p['jiffies_64'].value_())),  # jiffies: an alias of jiffies_64 (vmlinux.lds)
		 ('p sizeof(struct task_struct)|=', str(sizeof(p.type('struct task_struct')))),
		 ('p (unsigned long)&init_task|=', str(it.address_)),
		 ('px (unsigned long)init_task.tasks.next|px (unsigned long)((struct task_struct *)&init_task)->tasks.next', hex(it.tasks.next.value_())),
		 ('p ((struct task_struct *)((char *)init_task.tasks.next - (unsigned long)&((struct task_struct *)0)->tasks))->pid|p ((struct task_struct *)((char *)((struct task_struct *)&init_task)->tasks.next - (unsigned long)&((struct task_struct *)0)->tasks))->pid',
		  str(drgn.container_of(it.tasks.next, 'struct task_struct', 'tasks').pid.value_())),
		 ('p runqueues.clock:1|=', str(per_cpu(p['runqueues'], 1).clock.value_())),
		 ('p this_cpu_off:1|=', str(per_cpu(p['this_cpu_off'], 1).value_())),
		 ('p runqueues.nr_switches:0|=', str(per_cpu(p['runqueues'], 0).nr_switches.value_())),
		 ('p nr_cpu_ids|p (unsigned int)nr_cpu_ids', str(p['nr_cpu_ids'].value_())),
		 ('p max_pfn|p (unsigned long)max_pfn', str(p['max_pfn'].value_())),
		 ('px (unsigned long)init_mm.pgd|px (unsigned long)((struct mm_struct *)&init_mm)->pgd', hex(p['init_mm'].pgd.value_())),
		 ('px (unsigned long)init_task.tasks.next->next|px (unsigned long)((struct task_struct *)&init_task)->tasks.next->next', hex(it.tasks.next.next.value_())),
		 ('px (unsigned long)(init_task.tasks.next - 1)|px (unsigned long)(((struct task_struct *)&init_task)->tasks.next - 1)', hex(it.tasks.next.value_() - sizeof(p.type('struct list_head')))),
		 ('p sizeof(struct page)|=', str(sizeof(p.type('struct page')))),
		 ('p init_task.se.load.weight|p ((struct task_struct *)&init_task)->se.load.weight', str(it.se.load.weight.value_())),
		 ('px (unsigned long)modules.next|px (unsigned long)((struct list_head *)&modules)->next', hex(p['modules'].next.value_())),
		 ('p (unsigned long)jiffies + 1|=', str(p['jiffies_64'].value_() + 1)),
		 ('p init_task.pid * 2 + 7|p ((struct task_struct *)&init_task)->pid * 2 + 7', str(it.pid.value_() * 2 + 7)),
		 ('p init_task.prio|p ((struct task_struct *)&init_task)->prio', str(it.prio.value_())),
		 ('p init_task.nr_cpus_allowed|p ((struct task_struct *)&init_task)->nr_cpus_allowed', str(it.nr_cpus_allowed.value_())),
		 ('p sizeof(init_task.comm)|p sizeof(((struct task_struct *)&init_task)->comm)', str(sizeof(it.comm))),
		 ('px (unsigned long)&init_task.tasks|px (unsigned long)&((struct task_struct *)&init_task)->tasks', hex(it.tasks.address_)),
		]
		for k, v in vals:
		    print('P\t%s\t%s' % (k, v))
		for m in list_for_each_entry('struct module', p['modules'].address_of_(), 'list'):
		    print('MOD\t%x' % m.value_())
		why = ''
		for c in list_for_each_entry('struct kmem_cache', p['slab_caches'].address_of_(), 'list'):
		    total = slabs = 0
		    try:  # the lab guests have one NUMA node
		        nodes = [c.node[0]]
		    except (AttributeError, LookupError):
		        nodes = [c.per_node[0].node]
		    for n in nodes:
		        if n:
		            total += n.total_objects.counter.value_(); slabs += n.nr_slabs.counter.value_()
		    try:
		        from drgn.helpers.linux.slab import slab_cache_for_each_allocated_object
		        alloc = str(sum(1 for _ in slab_cache_for_each_allocated_object(c, 'char')))
		    except Exception as e:
		        alloc = '?'
		        why = '%s: %s' % (type(e).__name__, e)
		    print('SLAB\t%x\t%d\t%s\t%d\t%d\t%s' % (c.value_(), c.object_size.value_(), alloc, total, slabs, c.name.string_().decode()))
		print('SLABWHY\t%s' % why)
		cpu = p['panic_cpu'].counter.value_()
		t = per_cpu(p['runqueues'], cpu).curr
		print('SET\t%d\t%x\t%s' % (t.pid.value_(), t.value_(), t.comm.string_().decode()))
		EOF
		start=$(date +%s.%N)
		/usr/bin/python3 "$work/oracle.py" "$work/oracle.kdump" "$vmlinux" > "$work/drgn.out" 2> "$work/drgn.err" ||
			bail "$release: drgn (the stand-in for crash) failed: $(tail -n 2 "$work/drgn.err")"
		drgn_secs=$(echo "$(date +%s.%N) - $start" | bc)
		ok 0 "$release: drgn 0.0.22 (standing in for crash, which cannot read this kernel) read the oracle values in $(printf '%.1f' "$drgn_secs") s"
		for mode in with bare; do
			: > "$work/$mode.p"
			grep '^P' "$work/drgn.out" | while IFS=$'\t' read -r _ exprs _; do
				a=${exprs%%|*} b=${exprs#*|}
				[ "$b" = "=" ] && b=$a
				if [ $mode = with ]; then echo "$a"; else echo "$b"; fi
			done > "$work/$mode.p"
			args=("$vmlinux" "$dump"); [ $mode = bare ] && args=("$dump")
			start=$(date +%s.%N)
			sed 's/$/\nsym init_task/' "$work/$mode.p" |
				"$kcrash" "${args[@]}" > "$work/$mode.out" 2> "$work/$mode.err"
			secs=$(echo "$(date +%s.%N) - $start" | bc)
			rm -rf "$work/$mode.split"; mkdir "$work/$mode.split"
			split_out "$work/$mode.out" "$work/$mode.split"
			what=$([ $mode = with ] && echo "with the vmlinux" || echo "from the dump alone")
			i=0 same=0 total=0
			while IFS=$'\t' read -r _ exprs want; do
				i=$((i + 1)) total=$((total + 1))
				expr=$(sed -n "${i}p" "$work/$mode.p")
				got=$(norm < "$work/$mode.split/$((i - 1)).txt" 2> /dev/null | sed 's/^per_cpu([^)]*) = //')
				if [ "$got" = "$want" ]; then same=$((same + 1)); else
					diag "$release $what: '$expr': drgn $want, kcrash '$got'"; fi
			done < <(grep '^P' "$work/drgn.out")
			[ "$same" = "$total" ] && [ "$total" -ge 20 ]
			ok $? "$release: $same of $total p expressions $what equal drgn's values ($(printf '%.1f' "$secs") s; errors: $(head -c 200 "$work/$mode.err"))"
			args_rest=("${args[@]}")
			# list: the modules drgn walks
			want=$(sed -n 's/^MOD\t//p' "$work/drgn.out")
			got=$("$kcrash" "${args_rest[@]}" -c 'list -H modules -o module.list' 2> "$work/list.err")
			is "$got" "$want" "$release: list -H modules -o module.list $what: the $(wc -l <<< "$want") modules drgn walks"
			got=$("$kcrash" "${args_rest[@]}" -c 'list task_struct.tasks -s task_struct.pid -h init_task' 2>&1 | grep -c '^  pid = ')
			want=$(/usr/bin/python3 -c "import drgn, sys
from drgn.helpers.linux.list import list_for_each_entry
p = drgn.Program(); p.set_core_dump(sys.argv[1]); p.load_debug_info([sys.argv[2]])
print(1 + sum(1 for _ in list_for_each_entry('struct task_struct', p['init_task'].tasks.address_of_(), 'tasks')))" "$work/oracle.kdump" "$vmlinux" 2> /dev/null)
			is "$got" "$want" "$release: list task_struct.tasks -h init_task $what: as many processes as drgn walks"
			# kmem -s: every cache's name, object size, total and slabs; allocated where drgn
			# can count it
			"$kcrash" "${args_rest[@]}" -c 'kmem -s' > "$work/kmem.$mode" 2> "$work/kmem.$mode.err"
			rows=0 bad=0 alloc_cmp=0
			while IFS=$'\t' read -r _ addr objsize alloc total slabs name; do
				rows=$((rows + 1))
				line=$(awk -v a="$addr" '$1 == a' "$work/kmem.$mode")
				read -r _ o al t sl _ n <<< "$line"
				if [ "$o $t $sl $n" != "$objsize $total $slabs $name" ]; then
					bad=$((bad + 1)); diag "kmem -s $name: drgn $objsize $total $slabs, kcrash '$line'"
				fi
				if [ "$alloc" != "?" ]; then
					alloc_cmp=$((alloc_cmp + 1))
					[ "$al" = "$alloc" ] || { bad=$((bad + 1)); diag "kmem -s $name: allocated drgn $alloc kcrash $al"; }
				fi
			done < <(grep $'^SLAB\t' "$work/drgn.out")
			[ "$bad" = 0 ] && [ "$rows" -gt 50 ] && [ "$(grep -c '^[0-9a-f]\{16\} ' "$work/kmem.$mode")" = "$rows" ]
			ok $? "$release: kmem -s $what: $rows caches, name/objsize/total/slabs equal drgn's$( [ $alloc_cmp -gt 0 ] && echo ", allocated too ($alloc_cmp caches)" || echo "; allocated not compared: drgn 0.0.22's slab_cache_for_each_allocated_object fails on this kernel ($(sed -n 's/^SLABWHY\t//p' "$work/drgn.out"))")"
			# set: the panic task drgn finds through panic_cpu's runqueue
			IFS=$'\t' read -r _ pid task comm < <(grep '^SET' "$work/drgn.out")
			got=$("$kcrash" "${args_rest[@]}" -c 'set' 2>&1 | tr '\n' ' ' | tr -s ' ')
			[[ "$got" == *"PID: $pid COMMAND: \"$comm\" TASK: $task "* ]]
			ok $? "$release: set $what names the panic task drgn finds (PID $pid, $comm, $task): '$got'"
		done
		;;
	esac
done
done_testing
