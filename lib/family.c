// SPDX-License-Identifier: GPL-2.0
/*
 * Family declarations: what a patch says about its shadow data, checked
 * once at module init before anything live is looked at, and the
 * klp_state per family that lets the kernel's own compatibility check
 * refuse a downgrade.
 */
#define pr_fmt(fmt) "klpsv: " fmt

#include <linux/slab.h>
#include <linux/string.h>

#include "internal.h"

static unsigned long id_ns(unsigned long id)
{
	return (id >> KLPSV_ID_NS_SHIFT) & ((1UL << KLPSV_ID_NS_BITS) - 1);
}

static int validate_layout(const char *p, const struct klpsv_family *f)
{
	unsigned int i;

	if (!f->layout.size || !f->layout.nr_fields ||
	    (f->type_size && f->layout.size != f->type_size))
		return klpsv_refuse(NULL, NULL, "%s: family '%s': its layout describes %u bytes but its type has %zu: describe the type with KLPSV_LAYOUT()",
				    p, f->name, f->layout.size, f->type_size);
	for (i = 0; i < f->layout.nr_fields; i++) {
		const struct klpsv_field *fl = &f->layout.fields[i];

		if (fl->offset + fl->size > f->layout.size)
			return klpsv_refuse(NULL, NULL, "%s: family '%s': member '%s' lies outside the struct",
					    p, f->name, fl->name);
	}
	return 0;
}

static int validate_steps(const char *p, const struct klpsv_family *f)
{
	unsigned int i, j;

	for (i = 0; i < f->nr_steps; i++) {
		const struct klpsv_step *s = &f->steps[i];

		if (!klpsv_vnum(s->from) || klpsv_vnum(s->from) >= klpsv_fver(f))
			return klpsv_refuse(NULL, NULL, "%s: family '%s': a step from v%u cannot lead to v%u: steps come from older versions",
					    p, f->name, klpsv_vnum(s->from), klpsv_fver(f));
		if (!f->retired && !s->up)
			return klpsv_refuse(NULL, NULL, "%s: family '%s': the step from v%u has no .up function",
					    p, f->name, klpsv_vnum(s->from));
		if (!s->layout.size || !s->layout.nr_fields)
			return klpsv_refuse(NULL, NULL, "%s: family '%s': the step from v%u needs the .layout of v%u",
					    p, f->name, klpsv_vnum(s->from), klpsv_vnum(s->from));
		for (j = 0; j < i; j++) {
			if (klpsv_vnum(f->steps[j].from) == klpsv_vnum(s->from))
				return klpsv_refuse(NULL, NULL, "%s: family '%s': two steps from v%u",
						    p, f->name, klpsv_vnum(s->from));
		}
	}
	return 0;
}

/* Raw predecessors (struct klpsv_raw): what klpsv cannot check live. */
static int validate_raw(const char *p, const struct klpsv_family *f)
{
	unsigned int i, j;

	if (f->nr_raw && (f->retired || !f->raw))
		return klpsv_refuse(NULL, NULL, "%s: family '%s': %s",
				    p, f->name, f->retired ?
				    "a retired family cannot adopt raw shadow variables" :
				    ".nr_raw without .raw: declare them with KLPSV_RAW()");
	for (i = 0; i < f->nr_raw; i++) {
		const struct klpsv_raw *r = &f->raw[i];

		if (r->id >> KLPSV_ID_MAGIC_SHIFT == KLPSV_ID_MAGIC)
			return klpsv_refuse(NULL, NULL, "%s: family '%s': raw id %#lx is a klpsv id: raw ids are the ones hand-written patches use",
					    p, f->name, r->id);
		if (!r->layout.size || !r->layout.nr_fields)
			return klpsv_refuse(NULL, NULL, "%s: family '%s': raw id %#lx needs the .layout of its data (KLPSV_LAYOUT())",
					    p, f->name, r->id);
		for (j = 0; j < r->layout.nr_fields; j++)
			if (r->layout.fields[j].offset +
			    r->layout.fields[j].size > r->layout.size)
				return klpsv_refuse(NULL, NULL, "%s: family '%s': raw id %#lx: member '%s' lies outside the struct",
						    p, f->name, r->id,
						    r->layout.fields[j].name);
		if (r->size < r->layout.size)
			return klpsv_refuse(NULL, NULL, "%s: family '%s': raw id %#lx: its variables have %zu bytes, less than the %u its layout describes",
					    p, f->name, r->id, r->size,
					    r->layout.size);
		if (!r->up)
			return klpsv_refuse(NULL, NULL, "%s: family '%s': raw id %#lx has no .up function",
					    p, f->name, r->id);
		for (j = 0; j < i; j++)
			if (f->raw[j].id == r->id)
				return klpsv_refuse(NULL, NULL, "%s: family '%s': raw id %#lx declared twice",
						    p, f->name, r->id);
	}
	return 0;
}

static int validate_family(const char *p, struct klpsv_family *f)
{
	int err;

	if (!f->name || !f->name[0] || strlen(f->name) >= KLPSV_NAME_LEN)
		return klpsv_refuse(NULL, NULL, "%s: a family needs a name of 1 to %d characters",
				    p, KLPSV_NAME_LEN - 1);
	if (f->id >> KLPSV_ID_MAGIC_SHIFT != KLPSV_ID_MAGIC ||
	    (f->id & KLPSV_ID_EPOCH_MASK) || !id_ns(f->id))
		return klpsv_refuse(NULL, NULL, "%s: family '%s': id %#lx is not a KLPSV_ID(ns, n) with ns >= 1",
				    p, f->name, f->id);
	if (!klpsv_fver(f) || klpsv_fver(f) > KLPSV_VERSION_MAX)
		return klpsv_refuse(NULL, NULL, "%s: family '%s': version %u is outside 1..%u",
				    p, f->name, klpsv_fver(f), KLPSV_VERSION_MAX);
	err = f->retired ? 0 : validate_layout(p, f);
	if (!err)
		err = validate_steps(p, f);
	if (!err)
		err = validate_raw(p, f);
	if (!err && !f->retired)
		f->fingerprint = klpsv_layout_fingerprint(&f->layout);
	return err;
}

/**
 * klpsv_patch_validate() - check a patch's family declarations
 * @kp: the patch
 *
 * Checks what needs no live data: a cumulative patch, well-formed ids,
 * versions, layouts and steps, no id declared twice.  Computes each
 * family's layout fingerprint.
 *
 * Return: 0, or -EINVAL after logging why.
 */
int klpsv_patch_validate(struct klpsv_patch *kp)
{
	struct klpsv_family *f, *g;
	unsigned int i, j;
	int err;

	if (!kp->patch || !kp->families || !kp->families[0]) {
		pr_err("a struct klpsv_patch needs .patch and at least one family\n");
		return -EINVAL;
	}
	if (!klpsv_compat_is_replace(kp->patch))
		return klpsv_refuse(NULL, NULL, "%s: not a cumulative patch: set .replace = true in its struct klp_patch, klpsv hands data on by atomic replace",
				    klpsv_patch_name(kp));
	for_each_family(kp, f, i) {
		err = validate_family(klpsv_patch_name(kp), f);
		if (err)
			return err;
		for (j = 0; j < i; j++) {
			g = kp->families[j];
			if (g->id == f->id && !strcmp(g->name, f->name))
				return klpsv_refuse(NULL, NULL, "%s: family '%s' is defined twice in the module (KLPSV_FAMILY() in two source files?): define it once with KLPSV_FAMILY_SHARED() and use KLPSV_FAMILY_EXTERN() elsewhere",
						    klpsv_patch_name(kp), f->name);
			if (g->id == f->id)
				return klpsv_refuse(NULL, NULL, "%s: families '%s' and '%s' both use id %#lx: give each family its own KLPSV_ID()",
						    klpsv_patch_name(kp), g->name,
						    f->name, f->id);
		}
	}
	return 0;
}

/**
 * klpsv_patch_declares() - does a patch declare a family id?
 * @kp: the patch
 * @id: the family id
 *
 * Return: true if one of its families has @id.
 */
bool klpsv_patch_declares(const struct klpsv_patch *kp, unsigned long id)
{
	struct klpsv_family *f;
	unsigned int i;

	for_each_family(kp, f, i) {
		if (f->id == id)
			return true;
	}
	return false;
}

/**
 * klpsv_states_add() - give a patch one klp_state per family
 * @kp: the patch
 *
 * The states follow the patch's own, which must not use a family's id.
 *
 * Return: 0, -EINVAL after logging a clash, or -ENOMEM.
 */
int klpsv_states_add(struct klpsv_patch *kp)
{
	struct klp_state *own = kp->patch->states, *states;
	struct klpsv_family *f;
	unsigned int n_own = 0, n, i, j;

	for_each_family(kp, f, n)
		;
	while (own && own[n_own].id)
		n_own++;
	for (i = 0; i < n_own; i++) {
		for_each_family(kp, f, j) {
			if (own[i].id == f->id)
				return klpsv_refuse(NULL, NULL, "%s: family '%s': its id %#lx is also one of the patch's own klp_states: use another KLPSV_ID()",
						    klpsv_patch_name(kp), f->name, f->id);
		}
	}
	states = kcalloc(n_own + n + 1, sizeof(*states), GFP_KERNEL);
	if (!states)
		return -ENOMEM;
	for (i = 0; i < n_own; i++)
		states[i] = own[i];
	for_each_family(kp, f, j)
		klpsv_compat_set_state(&states[n_own + j], f->id, klpsv_fver(f));
	kp->states = states;
	klpsv_compat_set_states(kp->patch, states);
	return 0;
}

/**
 * klpsv_states_remove() - undo klpsv_states_add()
 * @kp: the patch
 */
void klpsv_states_remove(struct klpsv_patch *kp)
{
	klpsv_compat_set_states(kp->patch, NULL);
	kfree(kp->states);
	kp->states = NULL;
}

/**
 * klpsv_step_from() - the step a family declares from a version
 * @family: the family
 * @from: the older version
 *
 * Return: the step, or NULL if the family cannot take over @from.
 */
const struct klpsv_step *klpsv_step_from(const struct klpsv_family *family,
					 unsigned int from)
{
	unsigned int i;

	for (i = 0; i < family->nr_steps; i++) {
		if (klpsv_vnum(family->steps[i].from) == from)
			return &family->steps[i];
	}
	return NULL;
}

/**
 * klpsv_alloc_size() - bytes of data a new epoch allocates per instance
 * @family: the family
 *
 * Return: the struct and its reserved tail room, rounded to 8 bytes.
 */
u32 klpsv_alloc_size(const struct klpsv_family *family)
{
	return ALIGN(family->layout.size + family->reserve, sizeof(u64));
}
