// SPDX-License-Identifier: GPL-2.0
/*
 * A small loader of x86_64 relocatable objects, for reading a livepatch
 * module's data as the kernel would see it (see elf.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kelf.h"

/* Where undefined symbols point: never NULL, never read as a struct. */
static unsigned char undefined_sym[64];

static bool fail(struct kelf *k, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vsnprintf(k->err, sizeof(k->err), fmt, args);
	va_end(args);
	return false;
}

static bool in_file(const struct kelf *k, uint64_t off, uint64_t len)
{
	return off <= k->size && len <= k->size - off;
}

static int cmp_reloc(const void *a, const void *b)
{
	const struct kelf_reloc *x = a, *y = b;

	return x->where < y->where ? -1 : x->where > y->where;
}

uintptr_t kelf_sym_addr(const struct kelf *k, unsigned int sym)
{
	const Elf64_Sym *s = &k->syms[sym];

	if (s->st_shndx == SHN_UNDEF)
		return (uintptr_t)undefined_sym;
	if (s->st_shndx == SHN_ABS)
		return s->st_value;
	if (s->st_shndx >= k->nr_sh || !k->mem[s->st_shndx])
		return (uintptr_t)undefined_sym;
	return (uintptr_t)k->mem[s->st_shndx] + s->st_value;
}

static bool load_relocs(struct kelf *k)
{
	size_t cap = 0;
	unsigned int i;

	for (i = 0; i < k->nr_sh; i++) {
		const Elf64_Shdr *rs = &k->sh[i];
		const Elf64_Rela *r;
		size_t n, j;
		unsigned int to = rs->sh_info;

		if (rs->sh_type == SHT_REL)
			return fail(k, "%s: REL relocations: not an x86_64 module", k->path);
		if (rs->sh_type != SHT_RELA || to >= k->nr_sh || !k->mem[to])
			continue;
		if (rs->sh_entsize != sizeof(Elf64_Rela) ||
		    !in_file(k, rs->sh_offset, rs->sh_size))
			return fail(k, "%s: bad relocation section %u", k->path, i);
		r = (const Elf64_Rela *)(k->file + rs->sh_offset);
		n = rs->sh_size / sizeof(*r);
		for (j = 0; j < n; j++) {
			struct kelf_reloc *kr;
			unsigned int sym = ELF64_R_SYM(r[j].r_info);
			unsigned int type = ELF64_R_TYPE(r[j].r_info);
			uint64_t off = r[j].r_offset;

			if (sym >= k->nr_syms || off > k->sh[to].sh_size ||
			    k->sh[to].sh_size - off < (type == R_X86_64_64 ? 8 : 4))
				return fail(k, "%s: bad relocation in section %u", k->path, i);
			if (k->nr_relocs == cap) {
				cap = cap ? 2 * cap : 1024;
				k->relocs = realloc(k->relocs, cap * sizeof(*k->relocs));
				if (!k->relocs)
					return fail(k, "out of memory");
			}
			kr = &k->relocs[k->nr_relocs++];
			kr->where = (uintptr_t)k->mem[to] + off;
			kr->sym_addr = kelf_sym_addr(k, sym);
			kr->addend = r[j].r_addend;
			kr->type = type;
			kr->sym = sym;
			kr->shndx = to;
			/*
			 * The module's data holds absolute addresses only;
			 * PC-relative ones (code, jump tables, exception
			 * tables) are never read here and stay unapplied.
			 */
			if (type == R_X86_64_64 && k->sh[to].sh_type != SHT_NOBITS) {
				uint64_t v = kr->sym_addr + kr->addend;

				memcpy((void *)kr->where, &v, sizeof(v));
			}
		}
	}
	if (k->nr_relocs)
		qsort(k->relocs, k->nr_relocs, sizeof(*k->relocs), cmp_reloc);
	return true;
}

bool kelf_load(struct kelf *k, const char *path)
{
	struct stat st;
	unsigned int i;
	int fd;

	memset(k, 0, sizeof(*k));
	k->path = path;
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return fail(k, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return fail(k, "%s: not a regular file", path);
	}
	k->size = st.st_size;
	k->file = k->size ? mmap(NULL, k->size, PROT_READ, MAP_PRIVATE, fd, 0) :
			    MAP_FAILED;
	close(fd);
	if (k->file == MAP_FAILED) {
		k->file = NULL;
		return fail(k, "%s: cannot read it (%s)", path,
			    k->size ? strerror(errno) : "empty file");
	}
	k->eh = (const Elf64_Ehdr *)k->file;
	if (k->size < sizeof(*k->eh) || memcmp(k->eh->e_ident, ELFMAG, SELFMAG))
		return fail(k, "%s: not an ELF file", path);
	if (k->eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    k->eh->e_ident[EI_DATA] != ELFDATA2LSB || k->eh->e_machine != EM_X86_64)
		return fail(k, "%s: not an x86_64 module (klpsv-compat reads x86_64 modules only)", path);
	if (k->eh->e_type != ET_REL)
		return fail(k, "%s: not a kernel module (ELF type %u, a module is ET_REL)",
			    path, k->eh->e_type);
	if (k->eh->e_shentsize != sizeof(Elf64_Shdr) ||
	    !in_file(k, k->eh->e_shoff, (uint64_t)k->eh->e_shnum * sizeof(Elf64_Shdr)) ||
	    k->eh->e_shstrndx >= k->eh->e_shnum)
		return fail(k, "%s: bad section headers", path);
	k->sh = (const Elf64_Shdr *)(k->file + k->eh->e_shoff);
	k->nr_sh = k->eh->e_shnum;
	if (!in_file(k, k->sh[k->eh->e_shstrndx].sh_offset, k->sh[k->eh->e_shstrndx].sh_size))
		return fail(k, "%s: bad section names", path);
	k->shstr = (const char *)k->file + k->sh[k->eh->e_shstrndx].sh_offset;

	k->mem = calloc(k->nr_sh, sizeof(*k->mem));
	if (!k->mem)
		return fail(k, "out of memory");
	for (i = 0; i < k->nr_sh; i++) {
		const Elf64_Shdr *s = &k->sh[i];

		if (s->sh_type == SHT_SYMTAB) {
			if (s->sh_entsize != sizeof(Elf64_Sym) || s->sh_link >= k->nr_sh ||
			    !in_file(k, s->sh_offset, s->sh_size) ||
			    !in_file(k, k->sh[s->sh_link].sh_offset, k->sh[s->sh_link].sh_size))
				return fail(k, "%s: bad symbol table", path);
			k->syms = (const Elf64_Sym *)(k->file + s->sh_offset);
			k->nr_syms = s->sh_size / sizeof(Elf64_Sym);
			k->str = (const char *)k->file + k->sh[s->sh_link].sh_offset;
		}
		if (!(s->sh_flags & SHF_ALLOC) || s->sh_size > (1UL << 30))
			continue;
		/* Room for the largest alignment a section asks (a page). */
		if (posix_memalign((void **)&k->mem[i], 4096, s->sh_size + 1))
			return fail(k, "out of memory");
		memset(k->mem[i], 0, s->sh_size + 1);
		if (s->sh_type != SHT_NOBITS) {
			if (!in_file(k, s->sh_offset, s->sh_size))
				return fail(k, "%s: section %u lies outside the file", path, i);
			memcpy(k->mem[i], k->file + s->sh_offset, s->sh_size);
		}
	}
	if (!k->syms)
		return fail(k, "%s: no symbol table (a stripped module cannot be read)", path);
	return load_relocs(k);
}

void kelf_free(struct kelf *k)
{
	unsigned int i;

	for (i = 0; k->mem && i < k->nr_sh; i++)
		free(k->mem[i]);
	free(k->mem);
	free(k->relocs);
	if (k->file)
		munmap(k->file, k->size);
	memset(k, 0, sizeof(*k));
}

int kelf_section(const struct kelf *k, const char *name)
{
	unsigned int i;

	for (i = 0; i < k->nr_sh; i++) {
		if (!strcmp(k->shstr + k->sh[i].sh_name, name))
			return i;
	}
	return -1;
}

void *kelf_section_mem(const struct kelf *k, int shndx, size_t *size)
{
	if (shndx < 0 || (unsigned int)shndx >= k->nr_sh || !k->mem[shndx])
		return NULL;
	*size = k->sh[shndx].sh_size;
	return k->mem[shndx];
}

const char *kelf_sym_name(const struct kelf *k, unsigned int sym)
{
	const Elf64_Sym *s = &k->syms[sym];

	if (ELF64_ST_TYPE(s->st_info) == STT_SECTION && s->st_shndx < k->nr_sh)
		return k->shstr + k->sh[s->st_shndx].sh_name;
	return k->str + s->st_name;
}

int kelf_sym_find(const struct kelf *k, const char *name)
{
	unsigned int i;

	for (i = 1; i < k->nr_syms; i++) {
		if (k->syms[i].st_shndx != SHN_UNDEF &&
		    ELF64_ST_TYPE(k->syms[i].st_info) != STT_SECTION &&
		    !strcmp(k->str + k->syms[i].st_name, name))
			return i;
	}
	return -1;
}

static int sym_holding(const struct kelf *k, uintptr_t addr, unsigned int type,
		       bool at_start)
{
	unsigned int i;

	for (i = 1; i < k->nr_syms; i++) {
		const Elf64_Sym *s = &k->syms[i];
		uintptr_t a;

		if (ELF64_ST_TYPE(s->st_info) != type || s->st_shndx == SHN_UNDEF ||
		    s->st_shndx >= k->nr_sh || !k->mem[s->st_shndx])
			continue;
		a = kelf_sym_addr(k, i);
		if (at_start ? a == addr : addr >= a && addr < a + s->st_size)
			return i;
	}
	return -1;
}

int kelf_sym_at(const struct kelf *k, uintptr_t addr)
{
	return sym_holding(k, addr, STT_OBJECT, true);
}

int kelf_func_at(const struct kelf *k, uintptr_t addr)
{
	return sym_holding(k, addr, STT_FUNC, false);
}

const struct kelf_reloc *kelf_reloc_at(const struct kelf *k, uintptr_t where)
{
	size_t lo = 0, hi = k->nr_relocs;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (k->relocs[mid].where < where)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < k->nr_relocs && k->relocs[lo].where == where &&
	    k->relocs[lo].type == R_X86_64_64)
		return &k->relocs[lo];
	return NULL;
}

bool kelf_reloc_targets(const struct kelf_reloc *r, uintptr_t addr)
{
	if (r->sym_addr + r->addend == addr)
		return true;
	/* a call or a PC-relative load: S + A - P, A = -4 from the end */
	if (r->type != R_X86_64_64 && r->sym_addr + r->addend + 4 == addr)
		return true;
	return false;
}
