/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small loader of x86_64 relocatable objects (kernel modules, .ko):
 * every allocated section copied into memory, its absolute relocations
 * (R_X86_64_64) applied, so that the module's data reads as it would in
 * the kernel: pointers to strings, arrays and structs are real pointers.
 * No code is ever run: pointers into text only compare to NULL.
 */
#ifndef _KLPSV_COMPAT_ELF_H
#define _KLPSV_COMPAT_ELF_H

#include <elf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One relocation of an allocated section (applied if R_X86_64_64). */
struct kelf_reloc {
	uintptr_t where;	/* the patched bytes, in memory */
	uintptr_t sym_addr;	/* S */
	int64_t addend;		/* A */
	unsigned int type;	/* R_X86_64_* */
	unsigned int sym;	/* symbol index */
	unsigned int shndx;	/* section the relocation patched */
};

struct kelf {
	const char *path;
	unsigned char *file;
	size_t size;
	const Elf64_Ehdr *eh;
	const Elf64_Shdr *sh;
	unsigned int nr_sh;
	const char *shstr;
	const Elf64_Sym *syms;
	unsigned int nr_syms;
	const char *str;
	unsigned char **mem;	/* per section: its memory, or NULL */
	struct kelf_reloc *relocs;	/* sorted by .where */
	size_t nr_relocs;
	char err[512];
};

/* Load @path; false with kelf.err set on a bad or foreign file. */
bool kelf_load(struct kelf *k, const char *path);
void kelf_free(struct kelf *k);

/* The section called @name, or -1. */
int kelf_section(const struct kelf *k, const char *name);
/* Its memory and size. */
void *kelf_section_mem(const struct kelf *k, int shndx, size_t *size);
/* The in-memory address of a symbol (a dummy one for an undefined one). */
uintptr_t kelf_sym_addr(const struct kelf *k, unsigned int sym);
/* The defined symbol called @name, or -1. */
int kelf_sym_find(const struct kelf *k, const char *name);
/* The data symbol whose extent holds @addr exactly at its start, or -1. */
int kelf_sym_at(const struct kelf *k, uintptr_t addr);
const char *kelf_sym_name(const struct kelf *k, unsigned int sym);
/* The R_X86_64_64 relocation that patched @where, or NULL. */
const struct kelf_reloc *kelf_reloc_at(const struct kelf *k, uintptr_t where);
/* Does @r point at @addr (S + A, or S for a call or PC-relative one)? */
bool kelf_reloc_targets(const struct kelf_reloc *r, uintptr_t addr);
/* The function symbol whose extent holds the address @addr, or -1. */
int kelf_func_at(const struct kelf *k, uintptr_t addr);

#endif /* _KLPSV_COMPAT_ELF_H */
