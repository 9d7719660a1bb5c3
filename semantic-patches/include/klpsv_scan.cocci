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
