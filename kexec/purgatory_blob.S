/* purgatory_blob.S — the purgatory object (build/purgatory/purgatory.ro) carried inside kexec. */
	.section .rodata
	.balign	16
	.globl	kdk_purgatory_blob
kdk_purgatory_blob:
	.incbin	PURGATORY_OBJECT
kdk_purgatory_blob_end:
	.balign	8
	.globl	kdk_purgatory_blob_size
kdk_purgatory_blob_size:
	.quad	kdk_purgatory_blob_end - kdk_purgatory_blob

	.section .note.GNU-stack, "", @progbits
