/* entry64.S — where the kernel's relocate_kernel jumps: 64-bit mode, identity-mapped page tables,
 * interrupts off, and nothing else we can trust (the old kernel's stack and GDT are in memory that
 * is now the dump). Take our own stack and GDT, check the segments, then enter the new kernel the
 * way the 64-bit boot protocol asks (Documentation/arch/x86/boot.rst, "64-bit Boot Protocol"):
 * CS = __BOOT_CS (0x10), DS/ES/SS = __BOOT_DS (0x18), flat 4 GiB, %rsi = boot_params. */
	.text
	.code64
	.globl	purgatory_start
purgatory_start:
	cli
	cld
	leaq	stack_end(%rip), %rsp

	leaq	boot_gdt(%rip), %rax
	movq	%rax, boot_gdt_pointer + 2(%rip)
	lgdt	boot_gdt_pointer(%rip)
	movl	$0x18, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	leaq	1f(%rip), %rax
	pushq	$0x10
	pushq	%rax
	lretq
1:
	call	kdk_purgatory_main
	testl	%eax, %eax
	jnz	refuse

	movq	kdk_purgatory_boot_params(%rip), %rsi
	movq	kdk_purgatory_kernel_entry(%rip), %rax
	xorl	%ebx, %ebx
	xorl	%ecx, %ecx
	xorl	%edx, %edx
	xorl	%edi, %edi
	xorl	%ebp, %ebp
	xorl	%r8d, %r8d
	xorl	%r9d, %r9d
	xorl	%r10d, %r10d
	xorl	%r11d, %r11d
	xorl	%r12d, %r12d
	xorl	%r13d, %r13d
	xorl	%r14d, %r14d
	xorl	%r15d, %r15d
	jmpq	*%rax

	/* A segment does not match its digest: never jump into a corrupt kernel. */
refuse:
	cli
	hlt
	jmp	refuse

	.data
	.balign	16
boot_gdt:
	.quad	0                       /* null */
	.quad	0                       /* 0x08: unused */
	.quad	0x00af9a000000ffff      /* 0x10: 64-bit code, execute/read, 4 GiB */
	.quad	0x00cf92000000ffff      /* 0x18: data, read/write, 4 GiB */
boot_gdt_end:
	.balign	16
boot_gdt_pointer:
	.word	boot_gdt_end - boot_gdt - 1
	.quad	0                       /* base, filled at run time (we are relocated) */

	.bss
	.balign	16
stack:
	.skip	16384
stack_end:

	.section .note.GNU-stack, "", @progbits
