// SPDX-License-Identifier: GPL-2.0
// The source scanner shared by the rules of semantic-patches/: each rule
// that needs it starts with
//
//     #include "include/klpsv_scan.cocci"
//
// (spatch 1.1.1 finds it relative to the including rule's directory).  Not
// a rule itself: scripts/coccicheck runs only semantic-patches/*.cocci.
//
// Coccinelle does not look into the arguments of a top-level macro such as
// KLPSV_FAMILY(stats, struct stats_v1, .id = STATS_ID, ...), so the families
// of a file are read from its text (comments removed).

@initialize:python@
@@

import os
import re

_klpsv_files = {}
# (quote and backslash characters spelled with chr(): spatch lexes script
# code like C and would misread them in string literals, as it would a
# slash-slash or slash-star)
QUOTES = chr(34) + chr(39)
BSL = chr(92)
_klpsv_noise = re.compile(
    "[/][/][^\n]*|[/][*].*?[*][/]|" +
    "|".join("%s(?:%s.|[^%s%s\n])*%s" % (q, BSL * 2, q, BSL * 2, q)
             for q in QUOTES), re.S)


def _klpsv_scan(path):
    """(code, #directives) of a C file, comments blanked out; cached."""
    if path in _klpsv_files:
        return _klpsv_files[path]
    try:
        with open(path, errors="replace") as fh:
            text = fh.read()
    except OSError:
        text = ""

    def blank(m):
        s = m.group(0)
        return s if s[0] in QUOTES else re.sub("[^\n]", " ", s)

    text = _klpsv_noise.sub(blank, text)
    text = text.replace(BSL + "\n", "  ")
    code, directives = [], []
    for line in text.split("\n"):
        (directives if line.lstrip().startswith("#") else code).append(line)
    _klpsv_files[path] = ("\n".join(code), directives)
    return _klpsv_files[path]


def _klpsv_args(text, start):
    """Top-level arguments of the macro call whose "(" is text[start]."""
    args, cur, depth, i = [], [], 0, start
    while i < len(text):
        c = text[i]
        if c in QUOTES:
            j = i + 1
            while j < len(text) and text[j] != c:
                j += 2 if text[j] == BSL else 1
            cur.append(text[i:j + 1])
            i = j + 1
            continue
        if c in "([{":
            depth += 1
            if depth == 1:
                i += 1
                continue
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                args.append("".join(cur).strip())
                return args
        elif c == "," and depth == 1:
            args.append("".join(cur).strip())
            cur = []
            i += 1
            continue
        cur.append(c)
        i += 1
    return None


def klpsv_families(path):
    """{prefix: .id expression or None} of the KLPSV_FAMILY()s of a file."""
    code, _ = _klpsv_scan(path)
    fams = {}
    for m in re.finditer(r"\bKLPSV_FAMILY\s*\(", code):
        args = _klpsv_args(code, m.end() - 1)
        if not args or not re.match(r"^\w+$", args[0]):
            continue
        fams[args[0]] = None
        for a in args[2:]:
            d = re.match(r"^\.\s*id\s*=\s*(.*)$", a, re.S)
            if d:
                fams[args[0]] = d.group(1).strip()
    return fams


def klpsv_module_families(path):
    """{prefix: .id} of the KLPSV_FAMILY()s of every file of the module
    the file belongs to (the file's own win a clash)."""
    fams = {}
    for f in klpsv_module_files(path):
        if f != path:
            fams.update(klpsv_families(f))
    fams.update(klpsv_families(path))
    return fams


def klpsv_expand(path, expr):
    """expr with the object-like and function-like #defines of the file
    substituted by their bodies, repeatedly (arguments are not substituted:
    enough to see which ids an expression is built from)."""
    _, directives = _klpsv_scan(path)
    defs = {}
    for d in directives:
        m = re.match(r"\s*#\s*define\s+(\w+)(?:\([^)]*\))?(.*)$", d, re.S)
        if m:
            defs[m.group(1)] = m.group(2).strip()
    seen = set()
    for _ in range(10):
        names = [n for n in re.findall(r"\b\w+\b", expr)
                 if n in defs and n not in seen]
        if not names:
            break
        for n in names:
            seen.add(n)
            expr = re.sub(r"\b%s\b" % re.escape(n), "(" + defs[n] + ")", expr)
    return expr


def _klpsv_literal(s):
    """The value of an integer literal (in parentheses, cast, suffixed), or None."""
    s = s.strip()
    while True:
        m = re.match(r"^\((.*)\)$", s, re.S)
        if m and m.group(1).count("(") == m.group(1).count(")"):
            s = m.group(1).strip()
            continue
        m = re.match(r"^\(\s*(?:unsigned|signed|long|int|u\d+|__u\d+|size_t)[\w\s]*\)\s*(.*)$", s, re.S)
        if m:
            s = m.group(1).strip()
            continue
        break
    m = re.match(r"^(0[xX][0-9a-fA-F]+|[0-9]+)[uUlL]*$", s)
    if not m:
        return None
    return int(m.group(1), 0)


def klpsv_enums(path):
    """{name: value} of the enumerators of the file with a known value."""
    code, _ = _klpsv_scan(path)
    vals = {}
    for m in re.finditer(r"\benum\b[^{;]*\{([^}]*)\}", code):
        nxt = 0
        for item in m.group(1).split(","):
            item = item.strip()
            if not item:
                continue
            d = re.match(r"^(\w+)\s*(?:=\s*(.*))?$", item, re.S)
            if not d:
                break
            if d.group(2) is not None:
                v = _klpsv_literal(d.group(2))
                if v is None:
                    break
                nxt = v
            vals[d.group(1)] = nxt
            nxt += 1
    return vals


def klpsv_id_value(path, expr):
    """The value of a shadow id expression when it is a plain number: a
    literal, or a #define or enumerator of the file that is one; None for
    anything else (KLPSV_ID(), a vendor macro such as KLP_SHADOW_ID(), a
    variable, a name defined elsewhere)."""
    v = _klpsv_literal(expr)
    if v is not None:
        return v
    name = expr.strip()
    if re.match(r"^\w+$", name) and name in klpsv_enums(path):
        return klpsv_enums(path)[name]
    if not re.match(r"^\w+$", name):
        return None
    return _klpsv_literal(klpsv_expand(path, name))


# Files of one module.  scripts/coccicheck gives spatch the files of a
# module as one group (--file-groups) and names that groups file in
# KLPSV_COCCI_GROUPS; without it every file is its own module.
_klpsv_groups = {}


def klpsv_module(path):
    """A key naming the module the file belongs to."""
    if not _klpsv_groups:
        _klpsv_groups[None] = None
        gf = os.environ.get("KLPSV_COCCI_GROUPS")
        text = ""
        if gf:
            try:
                with open(gf) as fh:
                    text = fh.read()
            except OSError:
                text = ""
        for i, block in enumerate(text.split("\n\n")):
            for f in block.split("\n"):
                if f.strip():
                    _klpsv_groups[f.strip()] = "module %d" % i
    return _klpsv_groups.get(path, path)


def klpsv_module_files(path):
    """The files of the module the file belongs to."""
    key = klpsv_module(path)
    if key == path:
        return [path]
    return [f for f, k in _klpsv_groups.items() if f is not None and k == key]


_klpsv_calls = {}
_KLPSV_NOT_CALLS = set(["if", "for", "while", "switch", "return", "sizeof",
                        "typeof", "__typeof__", "defined", "do"])


def klpsv_text_calls(path):
    """{function: set of the names it calls} of the functions defined in a
    file, read from its text (comments removed): cheaper than matching
    every call with spatch, and blind to calls through pointers."""
    if path in _klpsv_calls:
        return _klpsv_calls[path]
    code, _ = _klpsv_scan(path)
    code = re.sub("|".join("%s(?:%s.|[^%s%s\n])*%s" % (q, BSL * 2, q, BSL * 2, q)
                           for q in QUOTES), QUOTES[0] * 2, code)
    funcs = {}
    depth, start, last = 0, None, 0
    name = None
    for i, c in enumerate(code):
        if c == "{":
            if depth == 0:
                head = code[last:i]
                m = re.search(r"(\w+)\s*\([^;{}]*\)\s*(?:__\w+(?:\([^)]*\))?\s*)*$", head, re.S)
                name = m.group(1) if m and m.group(1) not in _KLPSV_NOT_CALLS else None
                start = i
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                if name:
                    body = code[start:i]
                    funcs.setdefault(name, set()).update(
                        n for n in re.findall(r"\b([A-Za-z_]\w*)\s*\(", body)
                        if n not in _KLPSV_NOT_CALLS)
                name = None
                last = i + 1
            elif depth < 0:
                depth = 0
        elif c == ";" and depth == 0:
            last = i + 1
    _klpsv_calls[path] = funcs
    return funcs
