// SPDX-License-Identifier: GPL-2.0
/// klpsv_get(), klpsv_get_or_alloc() and klpsv_put() (with the
/// prefix_get(), prefix_get_or_alloc() and prefix_put() accessors of a
/// KLPSV_FAMILY()) need exclusive access to the object's shadow data: a
/// get may migrate or refresh the instance in place (it runs a step that
/// writes it), a put advances the instance's generation and writes a twin
/// through to the older instance.  Readers of upstream shadow data may
/// share a lock; klpsv's accessors may not: two readers holding the same
/// read lock race on the instance, and an RCU (or SRCU) read-side
/// section serializes nothing at all.
///
/// Reported: a call of one of these accessors (families of any file of
/// the module) on a path where a shared lock is held and no exclusive one:
/// after read_lock*(), down_read*(), percpu_down_read*(),
/// rcu_read_lock*(), srcu_read_lock*(), read_seqbegin() or
/// read_seqcount_begin() (also the trylocks, downgrade_write(),
/// guard(rcu)(), guard(read_lock)(), guard(rwsem_read)(), guard(srcu)()
/// and lockdep_assert_held_read()) without the matching unlock or retry
/// in between.  Not reported: a call reached, on some path, with an
/// exclusive lock taken and not released: spin_lock*(), raw_spin_lock*(),
/// write_lock*(), mutex_lock*(), down_write*(), percpu_down_write(),
/// write_seqlock*(), read_seqlock_excl*() (their _nested, _bh, _irq,
/// _irqsave and trylock forms), guard() of those locks, or
/// lockdep_assert_held() / lockdep_assert_held_write() (the caller holds
/// it).
//
// Confidence: Moderate
// Copyright: klpsv developers
// Options: --no-includes --include-headers
// Keywords: livepatch, klpsv, klpsv_get, klpsv_put, rcu_read_lock, read_lock, down_read, exclusive access

#include "include/klpsv_scan.cocci"

virtual context
virtual org
virtual report

@initialize:python@
@@

import re

NEVER = "klpsv_no_unlock_"

# Shared locks: the name of the call that starts one, and the one that
# ends it (NEVER: held to the end of the function).
_READERS = [
    (r"read_lock(_bh|_irq)?", r"read_unlock\1"),
    (r"read_lock_irqsave", "read_unlock_irqrestore"),
    (r"read_trylock", "read_unlock"),
    (r"down_read(_nested|_killable|_interruptible|_trylock)?", "up_read"),
    (r"down_read_non_owner", "up_read_non_owner"),
    (r"downgrade_write", "up_read"),
    (r"percpu_down_read(_trylock)?", "percpu_up_read"),
    (r"rcu_read_lock(_bh|_sched|_sched_notrace)?", r"rcu_read_unlock\1"),
    (r"srcu_read_lock(\w*)", r"srcu_read_unlock\1"),
    (r"read_seqbegin", "read_seqretry"),
    (r"(raw_)?read_seqcount_begin", r"\1read_seqcount_retry"),
    (r"raw_seqcount_begin", "read_seqcount_retry"),
    (r"lockdep_assert_held_read", NEVER),
]
_READER_GUARDS = r"rcu|srcu|read_lock(_bh|_irq|_irqsave)?|rwsem_read"

# Exclusive locks, with the calls that end them.
_WRITERS = [
    (r"(raw_)?spin_lock(_bh|_irq)?(_nested)?", r"\1spin_unlock\2"),
    (r"(raw_)?spin_lock_irqsave(_nested)?", r"\1spin_unlock_irqrestore"),
    (r"(raw_)?spin_trylock(_bh|_irq)?", r"\1spin_unlock\2"),
    (r"(raw_)?spin_trylock_irqsave", r"\1spin_unlock_irqrestore"),
    (r"write_lock(_bh|_irq)?", r"write_unlock\1"),
    (r"write_lock_irqsave", "write_unlock_irqrestore"),
    (r"write_trylock", "write_unlock"),
    (r"mutex_lock(_interruptible|_killable)?(_nested)?|mutex_lock_io|"
     r"mutex_trylock", "mutex_unlock"),
    (r"down_write(_nested|_killable|_trylock)?", "up_write"),
    (r"percpu_down_write", "percpu_up_write"),
    (r"write_seqlock(_bh|_irq)?", r"write_sequnlock\1"),
    (r"write_seqlock_irqsave", "write_sequnlock_irqrestore"),
    (r"read_seqlock_excl(_bh|_irq)?", r"read_sequnlock_excl\1"),
    (r"read_seqlock_excl_irqsave", "read_sequnlock_excl_irqrestore"),
    (r"lockdep_assert_held(_write|_once)?", NEVER),
]
_WRITER_GUARDS = (r"(raw_)?spinlock(_irq|_irqsave|_bh)?(_nested)?|mutex|"
                  r"write_lock(_bh|_irq|_irqsave)?|rwsem_write")


def klpsv_lock_end(table, guards, l, args):
    """The call that ends the lock l(args) starts (NEVER if it lasts to the
    end of the function), or None if l(args) starts no lock of the table."""
    if l == "guard":
        return NEVER if re.match(r"^(%s)$" % guards, str(args).strip()) else None
    for start, end in table:
        m = re.match(r"^(?:%s)$" % start, l)
        if m:
            return m.expand(end)
    return None


def klpsv_accessor(g, pos):
    """Whether g is klpsv_get/get_or_alloc/put or a family's accessor."""
    if g in ("klpsv_get", "klpsv_get_or_alloc", "klpsv_put"):
        return True
    m = re.match(r"^(\w+)_(get|get_or_alloc|put)$", g)
    return bool(m) and m.group(1) in klpsv_module_families(pos.file)


def klpsv_lock_name(l, args):
    return "guard(%s)()" % str(args).strip() if l == "guard" else l + "()"


def klpsv_reader_msg(g, lock, line):
    what = ("it may write a twin through to the older instance, and it "
            "advances the instance's generation" if g.endswith("_put") else
            "it may migrate the instance or refresh a twin in place")
    return ("WARNING: %s() called while only a shared lock is held (%s on "
            "line %s): the accessor needs exclusive access to the object's "
            "shadow data (%s), and other holders of the shared lock race "
            "with it; hold the object's lock for writing (spin_lock(), "
            "mutex_lock(), write_lock(), down_write()) around the get, the "
            "accesses and the put" % (g, lock, line, what))


_klpsv_held = set()
_klpsv_seen = set()


def klpsv_key(p):
    return (p.file, p.line, p.column)

// Shared locks taken in the file.
@rl@
identifier l =~ "^(read_|down_read|downgrade_write|percpu_down_read|rcu_read_lock|srcu_read_lock|raw_read_seqcount_begin|raw_seqcount_begin|lockdep_assert_held_read|guard$)";
expression list ES;
position pl;
@@

l@pl(ES)

@script:python rlu@
l << rl.l;
ES << rl.ES;
u;
@@

end = klpsv_lock_end(_READERS, _READER_GUARDS, l, ES)
if end is None:
	cocci.include_match(False)
else:
	coccinelle.u = end

// Calls reached from a shared lock with the lock still held.
@r exists@
identifier rl.l, rlu.u;
expression list rl.ES;
identifier g =~ "^[A-Za-z0-9_]+_(get|get_or_alloc|put)$";
position rl.pl, pa;
@@

l@pl(ES)
... when != u(...)
    when any
g@pa(...)

@script:python racc@
g << r.g;
pa << r.pa;
@@

if not klpsv_accessor(g, pa[0]):
	cocci.include_match(False)

// Exclusive locks taken in the file, when some accessor is reached.
@el depends on racc@
identifier l =~ "^(spin_|raw_spin_|write_|mutex_lock|mutex_trylock|down_write|percpu_down_write|read_seqlock_excl|lockdep_assert_held|guard$)";
expression list ES;
position pl;
@@

l@pl(ES)

@script:python elu@
l << el.l;
ES << el.ES;
u;
@@

end = klpsv_lock_end(_WRITERS, _WRITER_GUARDS, l, ES)
if end is None:
	cocci.include_match(False)
else:
	coccinelle.u = end

// Accessors that an exclusive lock reaches, held, on some path.
@held exists@
identifier el.l, elu.u, r.g;
position el.pl, r.pa, ph;
@@

l@pl(...)
... when != u(...)
    when != downgrade_write(...)
    when any
g@pa@ph(...)

@script:python@
ph << held.ph;
@@

_klpsv_held.add(klpsv_key(ph[0]))

@script:python flag@
g << r.g;
pa << r.pa;
pa2;
@@

if klpsv_key(pa[0]) in _klpsv_held:
	cocci.include_match(False)
else:
	coccinelle.pa2 = cocci.make_position(pa[0].file, pa[0].current_element,
		int(pa[0].line), int(pa[0].column), int(pa[0].line_end),
		int(pa[0].column_end))

@depends on context@
identifier r.g;
position flag.pa2;
@@

* g@pa2(...)

@script:python depends on org@
g << r.g;
l << rl.l;
ES << rl.ES;
pl << rl.pl;
pa2 << flag.pa2;
@@

if klpsv_key(pa2[0]) not in _klpsv_seen:
	_klpsv_seen.add(klpsv_key(pa2[0]))
	coccilib.org.print_todo(pa2[0], "%s() under only a shared lock (%s on line %s): take the object's lock for writing" % (g, klpsv_lock_name(l, ES), pl[0].line))

@script:python depends on report@
g << r.g;
l << rl.l;
ES << rl.ES;
pl << rl.pl;
pa2 << flag.pa2;
@@

if klpsv_key(pa2[0]) not in _klpsv_seen:
	_klpsv_seen.add(klpsv_key(pa2[0]))
	coccilib.report.print_report(pa2[0], klpsv_reader_msg(g, klpsv_lock_name(l, ES), pl[0].line))
