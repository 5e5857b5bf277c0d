"""Docs/errors.md lists every error a user can see (issue 6).

Parses every `enum …Error` in Sources/**/*.swift, collects the `case NAME` lines of
the enum's own body (not the `case .x:` of its switches), and checks that each appears
in Docs/errors.md as `EnumName.caseName` in backquotes. Also checks that the documented
exit codes are all there.
"""

import glob
import os
import re

from conftest import ROOT

DOC = os.path.join(ROOT, "Docs", "errors.md")
ENUM = re.compile(r"\benum\s+(\w+Error)\b[^{]*\{")
CASE = re.compile(r"^\s*case\s+(.+)$")


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def top_level_names(decl):
    """`a(x: Int), b, c(String)` -> [a, b, c]."""
    depth, cur, names = 0, "", []
    for ch in decl:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif depth == 0:
            if ch == ",":
                names.append(cur)
                cur = ""
            else:
                cur += ch
    names.append(cur)
    return [m.group(0) for n in names if (m := re.match(r"[A-Za-z_]\w*", n.strip().split("=")[0].strip()))]


def error_cases():
    """{EnumName: [case, ...]} for every enum …Error in Sources/."""
    found = {}
    for path in sorted(glob.glob(os.path.join(ROOT, "Sources", "**", "*.swift"), recursive=True)):
        text = strip_comments(open(path, encoding="utf-8").read())
        for m in ENUM.finditer(text):
            depth, i, body_lines, line = 1, m.end(), [], ""
            while depth and i < len(text):
                ch = text[i]
                if ch == "{":
                    depth += 1
                elif ch == "}":
                    depth -= 1
                elif ch == "\n":
                    body_lines.append(line)
                    line = ""
                elif depth == 1:
                    line += ch
                i += 1
            cases = []
            for l in body_lines:
                c = CASE.match(l)
                if c and not c.group(1).lstrip().startswith((".", "let ", "var ")):
                    cases += top_level_names(c.group(1))
            found.setdefault(m.group(1), []).extend(cases)
    return found


def test_parser_finds_the_known_enums():
    cases = error_cases()
    for name in ("ModelFormatError", "MatFileError", "ConversionError", "DatasetError", "InferenceError",
                 "TrainingError", "ExchangeError", "HDF5Error", "PNGError", "RenderingError",
                 "SafeFileError", "LinearAlgebraError"):
        assert cases.get(name), "no cases found for %s" % name
    assert "wouldOverwriteInput" in cases["SafeFileError"]
    assert "description" not in sum(cases.values(), [])


def test_every_error_case_is_documented():
    doc = open(DOC, encoding="utf-8").read()
    missing = ["%s.%s" % (e, c) for e, cs in sorted(error_cases().items()) for c in cs
               if "`%s.%s`" % (e, c) not in doc]
    assert not missing, "Docs/errors.md lacks: " + ", ".join(missing)


def test_exit_codes_are_documented():
    doc = open(DOC, encoding="utf-8").read()
    section = doc.split("## Exit codes", 1)
    assert len(section) == 2, "Docs/errors.md has no '## Exit codes' section"
    for code in ("0", "1", "64", "65", "73", "74", "130"):
        assert re.search(r"\|\s*`?%s`?\s*\|" % code, section[1]), "exit code %s not in the table" % code
