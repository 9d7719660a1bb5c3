// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a livepatch module's klpsv data (see kmod.h).  Built as kernel
 * code against the shim, so that struct klpsv_family and the rest are
 * the library's own definitions: the module's copy of them must have the
 * same layout, which the symbol sizes of the module prove or disprove.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <klpsv.h>

#include "kmod.h"

/*
 * The kernel's structures klpsv-compat reads, on x86_64 (the same on
 * every kernel klpsv supports): struct kernel_param and the external
 * members of struct klp_patch, klp_object and klp_state, and where
 * struct module has its name.
 */
#define KP_SIZE			40
#define KP_OPS			16
#define KP_ARG			32
#define PATCH_OBJS		8
#define PATCH_STATES		16
#define PATCH_REPLACE		24
#define OBJ_NAME		0
#define OBJ_FUNCS		8
#define OBJ_PRE_PATCH		16
#define OBJ_POST_PATCH		24
#define OBJ_PRE_UNPATCH		32
#define OBJ_POST_UNPATCH	40
#define OBJ_MIN_SIZE		48
#define STATE_SIZE		24
#define THIS_MODULE_NAME	24

struct ctx {
	struct kmod *m;
	char *err;
	size_t errlen;
};

static int bad(struct ctx *c, const char *fmt, ...)
{
	va_list args;
	int n;

	n = snprintf(c->err, c->errlen, "%s: ", c->m->path);
	va_start(args, fmt);
	if (n >= 0 && (size_t)n < c->errlen)
		vsnprintf(c->err + n, c->errlen - n, fmt, args);
	va_end(args);
	return 2;
}

/* Is [p, p + len) inside one allocated section of the module? */
static bool in_mem(const struct kelf *k, const void *p, size_t len)
{
	uintptr_t a = (uintptr_t)p;
	unsigned int i;

	for (i = 0; i < k->nr_sh; i++) {
		uintptr_t s = (uintptr_t)k->mem[i];

		if (s && a >= s && a - s <= k->sh[i].sh_size &&
		    len <= k->sh[i].sh_size - (a - s))
			return true;
	}
	return false;
}

/* A NUL-terminated string inside the module? */
static bool is_str(const struct kelf *k, const char *p)
{
	size_t n;

	for (n = 0; n < 4096; n++) {
		if (!in_mem(k, p + n, 1))
			return false;
		if (!p[n])
			return true;
	}
	return false;
}

static uintptr_t sym_addr_of(const struct kelf *k, const char *name)
{
	int s = kelf_sym_find(k, name);

	return s < 0 ? 0 : kelf_sym_addr(k, s);
}

static uintptr_t read_ptr(const void *p)
{
	uintptr_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The module name and vermagic, from .modinfo. */
static int read_modinfo(struct ctx *c)
{
	struct kelf *k = &c->m->elf;
	size_t size, i;
	const char *mi = kelf_section_mem(k, kelf_section(k, ".modinfo"), &size);

	if (!mi && kelf_section(k, ".gnu.linkonce.this_module") < 0)
		return bad(c, "not a kernel module (no .modinfo section)");
	for (i = 0; mi && i < size; i += strlen(mi + i) + 1) {
		if (!memchr(mi + i, 0, size - i))
			break;
		if (!strncmp(mi + i, "name=", 5))
			c->m->name = mi + i + 5;
		else if (!strncmp(mi + i, "vermagic=", 9))
			c->m->vermagic = mi + i + 9;
	}
	if (!c->m->name) {
		/* struct module's name, after its state and list */
		const char *mod = kelf_section_mem(k,
				kelf_section(k, ".gnu.linkonce.this_module"), &size);

		if (mod && size >= THIS_MODULE_NAME + MODULE_NAME_LEN &&
		    memchr(mod + THIS_MODULE_NAME, 0, MODULE_NAME_LEN))
			c->m->name = mod + THIS_MODULE_NAME;
	}
	if (!c->m->name || !c->m->name[0] || strlen(c->m->name) >= MODULE_NAME_LEN)
		return bad(c, "no module name (in .modinfo or .gnu.linkonce.this_module): not a module built by kbuild");
	return 0;
}

/* A declaration's size, from the symbol at its address, when it has one. */
static int check_size(struct ctx *c, const void *p, size_t want, size_t n,
		      const char *what)
{
	const struct kelf *k = &c->m->elf;
	int s = kelf_sym_at(k, (uintptr_t)p);
	size_t have;

	if (s < 0 || !k->syms[s].st_size)
		return 0;
	have = k->syms[s].st_size;
	if (n == 1 ? have == want : have >= want * n && have % want == 0)
		return 0;
	return bad(c, "built with an incompatible klpsv: its %s '%s' has %zu bytes where this klpsv-compat's has %zu%s: use the klpsv-compat of the klpsv the module was built with",
		   what, kelf_sym_name(k, s), have, want, n == 1 ? "" : " per entry");
}

static int check_layout(struct ctx *c, const char *fam,
			const struct klpsv_layout *l, const char *what)
{
	const struct kelf *k = &c->m->elf;
	u32 i;

	if (!l->nr_fields)
		return 0;
	if (l->nr_fields > 4096 ||
	    !in_mem(k, l->fields, l->nr_fields * sizeof(*l->fields)))
		return bad(c, "family '%s': the %s's fields lie outside the module: not a klpsv module, or an incompatible klpsv",
			   fam, what);
	for (i = 0; i < l->nr_fields; i++) {
		if (!is_str(k, l->fields[i].name))
			return bad(c, "family '%s': a field of the %s has no name: an incompatible klpsv?",
				   fam, what);
	}
	return check_size(c, l->fields, sizeof(*l->fields), l->nr_fields,
			  "struct klpsv_field array");
}

/* Everything the library will read of @f must be inside the module. */
static int check_family(struct ctx *c, struct klpsv_family *f)
{
	const struct kelf *k = &c->m->elf;
	const char *name;
	unsigned int i;
	int err;

	if (!is_str(k, f->name))
		return bad(c, "a family without a name string: an incompatible klpsv?");
	name = f->name;
	err = check_layout(c, name, &f->layout, "layout");
	if (err)
		return err;
	if (f->nr_steps) {
		if (f->nr_steps > 4096 ||
		    !in_mem(k, f->steps, f->nr_steps * sizeof(*f->steps)))
			return bad(c, "family '%s': its steps lie outside the module: an incompatible klpsv?",
				   name);
		err = check_size(c, f->steps, sizeof(*f->steps), f->nr_steps,
				 "struct klpsv_step array");
		for (i = 0; !err && i < f->nr_steps; i++)
			err = check_layout(c, name, &f->steps[i].layout, "step's layout");
		if (err)
			return err;
	}
	if (f->nr_raw && f->raw) {
		if (f->nr_raw > 4096 || !in_mem(k, f->raw, f->nr_raw * sizeof(*f->raw)))
			return bad(c, "family '%s': its raw declarations lie outside the module: an incompatible klpsv?",
				   name);
		err = check_size(c, f->raw, sizeof(*f->raw), f->nr_raw,
				 "struct klpsv_raw array");
		for (i = 0; !err && i < f->nr_raw; i++)
			err = check_layout(c, name, &f->raw[i].layout, "raw layout");
		if (err)
			return err;
	}
	if (f->index || f->table || f->live_epoch)
		return bad(c, "family '%s': the library's private members are set: not a module as built, or an incompatible klpsv",
			   name);
	return 0;
}

/* Every __param entry whose ops are klpsv_family_param_ops. */
static int read_families(struct ctx *c)
{
	struct kmod *m = c->m;
	struct kelf *k = &m->elf;
	uintptr_t ops = sym_addr_of(k, "klpsv_family_param_ops");
	int sec = kelf_section(k, "__param");
	unsigned char *kp;
	size_t size, i;
	int err;

	kp = kelf_section_mem(k, sec, &size);
	if (!ops) {
		if (m->has_klpsv)
			return bad(c, "built with an incompatible klpsv: it has klpsv_pre_patch() but no klpsv_family_param_ops, so its families cannot be found (a klpsv older than KLPSV_FAMILY()'s module parameters): rebuild it with this klpsv");
		return bad(c, "not a klpsv module: no KLPSV_FAMILY() and no klpsv library in it");
	}
	if (kp && size % KP_SIZE)
		return bad(c, "__param holds %zu bytes, not a multiple of struct kernel_param's %d: not a module for an x86_64 kernel klpsv-compat knows",
			   size, KP_SIZE);
	for (i = 0; kp && i < size; i += KP_SIZE) {
		const struct kelf_reloc *r = kelf_reloc_at(k, (uintptr_t)kp + i + KP_OPS);
		const struct kelf_reloc *a = kelf_reloc_at(k, (uintptr_t)kp + i + KP_ARG);
		struct klpsv_family *f;
		unsigned int j;

		if (!r || !kelf_reloc_targets(r, ops))
			continue;
		if (!a)
			return bad(c, "a klpsv family parameter without its family");
		f = (struct klpsv_family *)(a->sym_addr + a->addend);
		if (!in_mem(k, f, sizeof(*f)))
			return bad(c, "a klpsv family parameter points outside the module");
		err = check_size(c, f, sizeof(*f), 1, "struct klpsv_family");
		if (!err)
			err = check_family(c, f);
		if (err)
			return err;
		for (j = 0; j < m->nr_families; j++)
			if (m->families[j] == f)
				break;
		if (j < m->nr_families)
			continue;
		if (m->nr_families == KMOD_MAX_FAMILIES)
			return bad(c, "more than %d families", KMOD_MAX_FAMILIES);
		m->families[m->nr_families++] = f;
	}
	if (!m->nr_families && !m->has_klpsv)
		return bad(c, "not a klpsv module: no KLPSV_FAMILY() and no klpsv library in it");
	return 0;
}

static bool is_family(const struct kmod *m, uintptr_t p)
{
	unsigned int i;

	for (i = 0; i < m->nr_families; i++)
		if ((uintptr_t)m->families[i] == p)
			return true;
	return false;
}

/*
 * A family, or what looks like one: a struct klpsv_family that is not
 * declared with KLPSV_FAMILY() (a hand-written patch's tombstone), known
 * by its symbol's size.
 */
static bool family_like(const struct kmod *m, uintptr_t p)
{
	int s;

	if (is_family(m, p))
		return true;
	s = kelf_sym_at(&m->elf, p);
	return s >= 0 && m->elf.syms[s].st_size == sizeof(struct klpsv_family);
}

static bool reloc_to_family(const struct kmod *m, uintptr_t where)
{
	const struct kelf_reloc *r = kelf_reloc_at(&m->elf, where);

	return r && family_like(m, r->sym_addr + r->addend);
}

/* A NULL-terminated list of families, read from the module. */
static int check_list(struct ctx *c, struct klpsv_family **list,
		      const char *where)
{
	struct kmod *m = c->m;
	struct kelf *k = &m->elf;
	size_t i;

	for (i = 0; in_mem(k, &list[i], 8) && list[i]; i++) {
		struct klpsv_family *f = list[i];

		if (is_family(m, (uintptr_t)f))
			continue;
		/* one declared by hand: read it as those of KLPSV_FAMILY() */
		if (!in_mem(k, f, sizeof(*f)))
			return bad(c, "%s lists a family outside the module", where);
		if (check_size(c, f, sizeof(*f), 1, "struct klpsv_family") ||
		    check_family(c, f))
			return 2;
	}
	if (!in_mem(k, &list[i], 8))
		return bad(c, "%s: its families are not NULL-terminated", where);
	return 0;
}

/*
 * Where an array of pointers to families starts, if the pointer at
 * @where is its first entry (0 otherwise).
 */
static uintptr_t array_start(const struct kmod *m, const struct kelf_reloc *r,
			     int param)
{
	const struct kelf *k = &m->elf;

	if (r->type != R_X86_64_64 || (int)r->shndx == param ||
	    !family_like(m, r->sym_addr + r->addend))
		return 0;
	if (in_mem(k, (void *)(r->where - 8), 8) && reloc_to_family(m, r->where - 8))
		return 0;	/* the array's first entry does it */
	return r->where;
}

/*
 * A hand-written module's struct klpsv_patch: { .patch, .families }
 * where .families is a NULL-terminated array of pointers to families.
 * Found from the arrays of the module's data that point to families.
 */
static int read_klpsv_patch(struct ctx *c, uintptr_t *patch)
{
	struct kmod *m = c->m;
	struct kelf *k = &m->elf;
	int param = kelf_section(k, "__param");
	struct klpsv_patch *found = NULL;
	size_t j, i;

	for (i = 0; i < k->nr_relocs; i++) {
		uintptr_t start = array_start(m, &k->relocs[i], param);

		if (!start)
			continue;
		/* who points to this array, with a pointer just before? */
		for (j = 0; j < k->nr_relocs; j++) {
			const struct kelf_reloc *p = &k->relocs[j];
			struct klpsv_patch *kp;

			if (p->type != R_X86_64_64 || p->sym_addr + p->addend != start)
				continue;
			kp = (struct klpsv_patch *)(p->where -
					offsetof(struct klpsv_patch, families));
			if (!in_mem(k, kp, sizeof(*kp)) ||
			    !kelf_reloc_at(k, (uintptr_t)&kp->patch))
				continue;
			if (found && found != kp)
				return bad(c, "two struct klpsv_patch in one module");
			found = kp;
		}
	}
	if (!found)
		return 0;
	if (check_size(c, found, sizeof(*found), 1, "struct klpsv_patch"))
		return 2;
	m->kp_families = found->families;
	if (check_list(c, m->kp_families, "its struct klpsv_patch"))
		return 2;
	*patch = (uintptr_t)found->patch;
	return 0;
}

/* Which symbol does the pointer at @where point to (NULL: none)? */
static bool ptr_is(const struct kelf *k, uintptr_t where, uintptr_t addr)
{
	const struct kelf_reloc *r = kelf_reloc_at(k, where);

	return addr && r && kelf_reloc_targets(r, addr);
}

/* The objects' stride: sizeof(struct klp_object) of the module's kernel. */
static size_t objs_stride(const struct kelf *k, uintptr_t objs)
{
	int s = kelf_sym_at(k, objs);
	size_t size, n, stride;

	if (s < 0)
		return 0;
	size = k->syms[s].st_size;
	for (n = 1; n < KMOD_MAX_OBJS; n++) {
		size_t i;

		if (size % (n + 1))
			continue;
		stride = size / (n + 1);
		if (stride < OBJ_MIN_SIZE || stride % 8)
			continue;
		for (i = 0; i < n; i++)
			if (!kelf_reloc_at(k, objs + i * stride + OBJ_FUNCS))
				break;
		if (i < n)
			continue;
		/*
		 * Only the external members hold pointers, and the last
		 * entry is all zeroes.
		 */
		for (i = 0; i < k->nr_relocs; i++) {
			uintptr_t w = k->relocs[i].where;

			if (w >= objs && w < objs + size &&
			    ((w - objs) % stride >= OBJ_MIN_SIZE ||
			     (w - objs) / stride >= n))
				break;
		}
		if (i == k->nr_relocs)
			return stride;
	}
	return 0;
}

static int read_patch(struct ctx *c, uintptr_t patch)
{
	struct kmod *m = c->m;
	struct kelf *k = &m->elf;
	uintptr_t pre = sym_addr_of(k, "klpsv_pre_patch");
	uintptr_t post = sym_addr_of(k, "klpsv_post_patch");
	uintptr_t unpatch = sym_addr_of(k, "klpsv_post_unpatch");
	const struct kelf_reloc *r;
	uintptr_t objs, states;
	size_t stride, i;

	if (!in_mem(k, (void *)patch, PATCH_REPLACE + 1))
		return bad(c, "its struct klp_patch lies outside the module");
	m->has_patch = true;
	m->replace = *(unsigned char *)(patch + PATCH_REPLACE);
	r = kelf_reloc_at(k, patch + PATCH_STATES);
	states = r ? r->sym_addr + r->addend : 0;
	for (i = 0; states && in_mem(k, (void *)(states + i * STATE_SIZE), STATE_SIZE); i++) {
		const unsigned char *s = (const unsigned char *)states + i * STATE_SIZE;

		if (!read_ptr(s))
			break;
		if (i == KMOD_MAX_STATES)
			return bad(c, "more than %d klp_states", KMOD_MAX_STATES);
		m->states[i].id = read_ptr(s);
		memcpy(&m->states[i].version, s + 8, sizeof(m->states[i].version));
		m->nr_states = i + 1;
	}
	r = kelf_reloc_at(k, patch + PATCH_OBJS);
	objs = r ? r->sym_addr + r->addend : 0;
	if (!objs || !in_mem(k, (void *)objs, OBJ_MIN_SIZE))
		return bad(c, "its struct klp_patch has no objects");
	stride = objs_stride(k, objs);
	if (!stride)
		return bad(c, "cannot tell its klp_objects apart (no symbol with the size of its objs array)");
	for (i = 0; kelf_reloc_at(k, objs + i * stride + OBJ_FUNCS); i++) {
		uintptr_t o = objs + i * stride;
		struct kmod_obj *ko = &m->objs[i];

		if (i == KMOD_MAX_OBJS)
			return bad(c, "more than %d klp_objects", KMOD_MAX_OBJS);
		r = kelf_reloc_at(k, o + OBJ_NAME);
		ko->name = r ? (const char *)(r->sym_addr + r->addend) : NULL;
		if (ko->name && !is_str(k, ko->name))
			return bad(c, "a klp_object's name lies outside the module");
		ko->pre_patch = read_ptr((void *)(o + OBJ_PRE_PATCH)) != 0;
		ko->post_patch = read_ptr((void *)(o + OBJ_POST_PATCH)) != 0;
		ko->pre_unpatch = read_ptr((void *)(o + OBJ_PRE_UNPATCH)) != 0;
		ko->post_unpatch = read_ptr((void *)(o + OBJ_POST_UNPATCH)) != 0;
		ko->klpsv_pre_patch = ptr_is(k, o + OBJ_PRE_PATCH, pre);
		ko->klpsv_post_patch = ptr_is(k, o + OBJ_POST_PATCH, post);
		ko->klpsv_post_unpatch = ptr_is(k, o + OBJ_POST_UNPATCH, unpatch);
		m->nr_objs = i + 1;
	}
	return 0;
}

/* A generated-init module's static struct klp_patch: .mod = THIS_MODULE. */
static int find_patch(struct ctx *c, uintptr_t *patch)
{
	struct kelf *k = &c->m->elf;
	uintptr_t this = sym_addr_of(k, "__this_module");
	int own = kelf_section(k, ".gnu.linkonce.this_module");
	/* a kernel_param has .mod and its ops' .set where a patch would */
	int params = kelf_section(k, "__param");
	size_t i;

	*patch = 0;
	for (i = 0; this && i < k->nr_relocs; i++) {
		const struct kelf_reloc *r = &k->relocs[i];
		const struct kelf_reloc *o;

		if (r->type != R_X86_64_64 || (int)r->shndx == own ||
		    (int)r->shndx == params || !kelf_reloc_targets(r, this))
			continue;
		/* .objs, whose first object has .funcs */
		o = kelf_reloc_at(k, r->where + PATCH_OBJS);
		if (!o || !kelf_reloc_at(k, o->sym_addr + o->addend + OBJ_FUNCS))
			continue;
		if (*patch)
			return bad(c, "two struct klp_patch in one module");
		*patch = r->where;
	}
	return 0;
}

static bool lib_func(const char *name)
{
	const char *const *f;
	size_t n = strcspn(name, ".");

	for (f = compat_lib_funcs; *f; f++)
		if (strlen(*f) == n && !strncmp(*f, name, n))
			return true;
	return false;
}

/* Sections that list functions without ever calling them. */
static bool not_callbacks(const char *sec)
{
	static const char *const meta[] = {
		"__mcount_loc", "__patchable_function_entries", ".eh_frame",
		".debug", ".BTF", "__kcrctab", "__ksymtab", "__bug_table",
		"__jump_table", "__ex_table", ".altinstr", ".orc_",
		".return_sites", ".call_sites", ".retpoline_sites",
		".ibt_endbr_seal", ".static_call", ".rela", NULL,
	};
	const char *const *m;

	for (m = meta; *m; m++)
		if (!strncmp(sec, *m, strlen(*m)))
			return true;
	return false;
}

/*
 * Does anything but the library itself refer to the library's function
 * @name: for klpsv_pre_patch(), a klp_object's callbacks, a
 * klp-build-style callback section, or an author's own callback that
 * calls it; for klpsv_enable_patch(), the module's init?
 */
static bool refers_to(const struct kmod *m, const char *name)
{
	const struct kelf *k = &m->elf;
	uintptr_t fn_addr = sym_addr_of(k, name);
	size_t i;

	for (i = 0; fn_addr && i < k->nr_relocs; i++) {
		const struct kelf_reloc *r = &k->relocs[i];
		int fn;

		if (!kelf_reloc_targets(r, fn_addr))
			continue;
		if (!(k->sh[r->shndx].sh_flags & SHF_EXECINSTR)) {
			/*
			 * A pointer stored in data; not the metadata that
			 * names every function (ftrace's call sites; the
			 * rest, unwind and jump tables, is PC-relative).
			 */
			if (r->type == R_X86_64_64 &&
			    !not_callbacks(k->shstr + k->sh[r->shndx].sh_name))
				return true;
			continue;
		}
		fn = kelf_func_at(k, r->where);
		if (fn < 0 || !lib_func(kelf_sym_name(k, fn)))
			return true;
	}
	return false;
}

/* Does code outside the library refer to @addr? */
static bool code_refers(const struct kelf *k, uintptr_t addr)
{
	size_t i;

	for (i = 0; i < k->nr_relocs; i++) {
		const struct kelf_reloc *r = &k->relocs[i];
		int fn;

		if (!(k->sh[r->shndx].sh_flags & SHF_EXECINSTR) ||
		    !kelf_reloc_targets(r, addr))
			continue;
		fn = kelf_func_at(k, r->where);
		if (fn < 0 || !lib_func(kelf_sym_name(k, fn)))
			return true;
	}
	return false;
}

/*
 * The families a generated patch's own pre_patch callback gives to
 * klpsv_pre_patch_families(): the array of families its code refers to
 * (none: it gives NULL, the families of the module's marks).
 */
static int read_given_families(struct ctx *c)
{
	struct kmod *m = c->m;
	struct kelf *k = &m->elf;
	int param = kelf_section(k, "__param");
	uintptr_t given = 0;
	size_t i;

	for (i = 0; i < k->nr_relocs; i++) {
		uintptr_t start = array_start(m, &k->relocs[i], param);

		if (!start || start == given || !code_refers(k, start))
			continue;
		if (given)
			return bad(c, "its code refers to two arrays of families: klpsv-compat cannot tell which one it gives to klpsv_pre_patch_families()");
		given = start;
	}
	if (!given)
		return 0;
	m->given_families = (struct klpsv_family **)given;
	return check_list(c, m->given_families,
			  "the array given to klpsv_pre_patch_families()");
}

int kmod_read(struct kmod *m, const char *path, char *err, size_t errlen)
{
	struct ctx c = { .m = m, .err = err, .errlen = errlen };
	uintptr_t patch = 0;
	int ret;

	memset(m, 0, sizeof(*m));
	m->path = path;
	if (!kelf_load(&m->elf, path)) {
		snprintf(err, errlen, "%s", m->elf.err);
		return 2;
	}
	ret = read_modinfo(&c);
	if (ret)
		return ret;
	m->has_klpsv = kelf_sym_find(&m->elf, "klpsv_pre_patch") >= 0;
	ret = read_families(&c);
	if (!ret)
		ret = read_klpsv_patch(&c, &patch);
	if (ret)
		return ret;
	/*
	 * Its init calls klpsv_enable_patch(), or klp_enable_patch() (then
	 * the library finds the families in the module, as for a generated
	 * init, even where a struct klpsv_patch lists them).
	 */
	m->hand_written = refers_to(m, "klpsv_enable_patch");
	if (m->hand_written && !m->kp_families)
		return bad(&c, "its init calls klpsv_enable_patch() but no struct klpsv_patch lists its families");
	if (!patch)
		ret = find_patch(&c, &patch);
	if (!ret && patch)
		ret = read_patch(&c, patch);
	if (!ret && !m->hand_written && refers_to(m, "klpsv_pre_patch_families"))
		ret = read_given_families(&c);
	m->wired = refers_to(m, "klpsv_pre_patch") ||
		   refers_to(m, "klpsv_pre_patch_families");
	return ret;
}

void kmod_free(struct kmod *m)
{
	kelf_free(&m->elf);
}
