# -*- coding: utf-8 -*-
# Copyright: contributors to macfleet.conda
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Conda versions: ordering (``VersionOrder``) and version/build-number specs, as conda has them.

Follows ``conda.models.version``; matching is tri-state like the rest of the spec code: ``None``
where conda itself would raise or only conda can tell. The errors live here because a version
spec is where most invalid specs fail; ``_conda_spec`` re-exports them.

Private to this collection (not a public API), as the leading underscore says.
"""

from __future__ import annotations

import functools
import re
from itertools import zip_longest

__all__ = [
    "SpecError", "VersionOrder", "parse_version",
    "VersionSpec", "BuildNumberSpec", "compile_regex", "RELATION_RE",
]


class SpecError(ValueError):
    """A spec (or version) conda itself would reject."""

    def __init__(self, spec, reason):
        super().__init__("Invalid spec %r: %s" % (spec, reason))
        self.spec = spec
        self.reason = reason


# --- Versions ----------------------------------------------------------------------------

_VERSION_CHARS_RE = re.compile(r"^[\*\.\+!_0-9a-z]+$")
_VERSION_SPLIT_RE = re.compile(r"([0-9]+|[*]+|[^0-9*]+)")
# 'dev' sorts below every other string (upper case sorts before lower case) and 'post'
# above every number; these stand-ins give exactly that under plain comparison.
_DEV = "DEV"
_POST = float("inf")


def _split_components(parts, vstr):
    result = []
    for part in parts:
        runs = _VERSION_SPLIT_RE.findall(part)
        if not runs:
            raise SpecError(vstr, "empty version component")
        runs = [int(r) if r.isdigit() else _POST if r == "post" else _DEV if r == "dev" else r
                for r in runs]
        # keep numbers and strings in phase: '1.1.a1' == '1.1.0a1'
        result.append(runs if part[0].isdigit() else [0] + runs)
    return result


def _strip_fill(components):
    """Drop what comparison treats as padding, so equal versions hash equally."""
    out = []
    for comp in components:
        comp = list(comp)
        while comp and comp[-1] == 0:
            comp.pop()
        out.append(tuple(comp))
    while out and not out[-1]:
        out.pop()
    return tuple(out)


@functools.total_ordering
class VersionOrder:
    """A conda version, ordered like ``conda.models.version.VersionOrder``."""

    __slots__ = ("norm", "version", "local")

    def __init__(self, vstr):
        version = str(vstr).strip().lower()
        if not version:
            raise SpecError(vstr, "empty version string")
        invalid = not _VERSION_CHARS_RE.match(version)
        if invalid and "-" in version and "_" not in version:
            version = version.replace("-", "_")
            invalid = not _VERSION_CHARS_RE.match(version)
        if invalid:
            raise SpecError(vstr, "invalid character(s) in version")
        self.norm = version
        epoch_parts = version.split("!")
        if len(epoch_parts) > 2:
            raise SpecError(vstr, "duplicated epoch separator '!'")
        if len(epoch_parts) == 2 and not epoch_parts[0].isdigit():
            raise SpecError(vstr, "epoch must be an integer")
        epoch = epoch_parts[0] if len(epoch_parts) == 2 else "0"
        local_parts = epoch_parts[-1].split("+")
        if len(local_parts) > 2:
            raise SpecError(vstr, "duplicated local version separator '+'")
        main = local_parts[0]
        if not main:
            raise SpecError(vstr, "missing version before local version separator '+'")
        local = local_parts[1].replace("_", ".").split(".") if len(local_parts) == 2 else []
        if main.endswith("_"):
            # openssl-style trailing underscore stays attached: '1.1_' < '1.1a'
            parts = main[:-1].replace("_", ".").split(".")
            parts[-1] += "_"
        else:
            parts = main.replace("_", ".").split(".")
        self.version = _split_components([epoch] + parts, vstr)
        self.local = _split_components(local, vstr)

    def __str__(self):
        return self.norm

    def __repr__(self):
        return "VersionOrder(%r)" % self.norm

    def __hash__(self):
        return hash((_strip_fill(self.version), _strip_fill(self.local)))

    def __eq__(self, other):
        if not isinstance(other, VersionOrder):
            return NotImplemented
        return _strip_fill(self.version) == _strip_fill(other.version) and \
            _strip_fill(self.local) == _strip_fill(other.local)

    def __lt__(self, other):
        if not isinstance(other, VersionOrder):
            return NotImplemented
        for t1, t2 in ((self.version, other.version), (self.local, other.local)):
            for v1, v2 in zip_longest(t1, t2, fillvalue=[]):
                for c1, c2 in zip_longest(v1, v2, fillvalue=0):
                    if c1 == c2:
                        continue
                    if isinstance(c1, str) != isinstance(c2, str):
                        return isinstance(c1, str)  # strings sort below numbers
                    return c1 < c2
        return False

    def startswith(self, other):
        """True if ``other`` is a prefix of this version (the meaning of ``1.2.*``)."""
        if other.local:
            if _strip_fill(self.version) != _strip_fill(other.version):
                return False
            t1, t2 = self.local, other.local
        else:
            t1, t2 = self.version, other.version
        nt = len(t2) - 1
        if _strip_fill(t1[:nt]) != _strip_fill(t2[:nt]):
            return False
        v1 = t1[nt] if len(t1) > nt else []
        v2 = t2[nt]
        nc = len(v2) - 1
        if _strip_fill([v1[:nc]]) != _strip_fill([v2[:nc]]):
            return False
        c1 = v1[nc] if len(v1) > nc else 0
        c2 = v2[nc]
        if isinstance(c2, str):
            return isinstance(c1, str) and c1.startswith(c2)
        return c1 == c2


def parse_version(vstr):
    """Parse a conda version string; raise SpecError if conda would reject it."""
    return VersionOrder(vstr)


@functools.lru_cache(maxsize=4096)
def _record_version(vstr):
    """A record's version, parsed once however many specs look at it; None if invalid."""
    try:
        return VersionOrder(vstr)
    except SpecError:
        return None


# --- Version specs -----------------------------------------------------------------------

_VSPEC_TOKENS_RE = re.compile(r"\s*\^[^$]*[$]|\s*[()|,]|[^()|,]+")
_NEEDS_TREE_RE = re.compile(r".*[()|,^$]")
# One relation and its version (">=1.20"); conda < 4.5 history lines are split on these too.
RELATION_RE = re.compile(r"^(=|==|!=|<=|>=|<|>|~=)(?![=<>!~])(\S+)$")


def _treeify(spec_str):
    """Parse ``a,b|c`` into ('|', (',', a, b), c); ',' binds tighter than '|'."""
    output, stack = [], []

    def apply_ops(stop):
        while stack and stack[-1] not in stop:
            if len(output) < 2:
                raise SpecError(spec_str, "cannot join single expression")
            op_char = stack.pop()
            right = output.pop()
            right = right[1:] if right[0] == op_char else (right,)
            left = output.pop()
            left = left[1:] if left[0] == op_char else (left,)
            output.append((op_char,) + left + right)

    for item in _VSPEC_TOKENS_RE.findall("(%s)" % spec_str):
        item = item.strip()
        if item == "|":
            apply_ops("(")
            stack.append("|")
        elif item == ",":
            apply_ops("|(")
            stack.append(",")
        elif item == "(":
            stack.append("(")
        elif item == ")":
            apply_ops("(")
            if not stack or stack[-1] != "(":
                raise SpecError(spec_str, "expression must start with '('")
            stack.pop()
        else:
            output.append(item)
    if stack:
        raise SpecError(spec_str, "unbalanced version expression")
    if not output:
        raise SpecError(spec_str, "unable to determine version from spec")
    return output[0]


def _untreeify(node, in_and=False, depth=0):
    if not isinstance(node, tuple):
        return node
    if node[0] == "|":
        res = "|".join(_untreeify(x, depth=depth + 1) for x in node[1:])
        return "(%s)" % res if in_and or depth > 0 else res
    res = ",".join(_untreeify(x, in_and=True, depth=depth + 1) for x in node[1:])
    return "(%s)" % res if depth > 0 else res


def _compatible_release(version, bound):
    prefix = ".".join(str(bound).split(".")[:-1])
    if not prefix:
        # conda raises while matching '~=1': leave the verdict (and the error) to conda
        return None
    return version >= bound and version.startswith(VersionOrder(prefix))


_OPERATORS = {
    "==": lambda v, b: v == b,
    "!=": lambda v, b: v != b,
    "<=": lambda v, b: v <= b,
    ">=": lambda v, b: v >= b,
    "<": lambda v, b: v < b,
    ">": lambda v, b: v > b,
    "=": lambda v, b: v.startswith(b),
    "!=startswith": lambda v, b: not v.startswith(b),
    "~=": _compatible_release,
}


class VersionSpec:
    """A version constraint (``>=1.2,<2|3.*``) with conda's ``VersionSpec`` semantics."""

    def __init__(self, spec):
        self._children = ()
        self._regex = None
        self._operator = None
        self._bound = None
        self.is_exact = False
        spec_str = spec if isinstance(spec, tuple) else str(spec)
        if isinstance(spec_str, str) and _NEEDS_TREE_RE.match(spec_str):
            spec_str = _treeify(spec_str)
        if isinstance(spec_str, tuple):
            self._combinator = any if spec_str[0] == "|" else all
            self._children = tuple(VersionSpec(s) for s in spec_str[1:])
            self.spec = _untreeify((spec_str[0],) + tuple(c.spec for c in self._children))
        else:
            self.spec = spec_str.strip()
            self._compile_leaf(self.spec)

    def _compile_leaf(self, s):
        if not s:
            raise SpecError(s, "empty version spec")
        if s[0] == "^" or s[-1] == "$":
            if s[0] != "^" or s[-1] != "$":
                raise SpecError(s, "regex specs must start with '^' and end with '$'")
            self._regex = compile_regex(s, s)
        elif s[0] in "=<>!~":
            m = RELATION_RE.match(s)
            if m is None:
                raise SpecError(s, "invalid operator")
            operator, bound = m.groups()
            if bound.endswith(".*"):
                if operator == "~=":
                    raise SpecError(s, "invalid operator with '.*'")
                # conda ignores a trailing '.*' after other relational operators
                operator = "!=startswith" if operator == "!=" else operator
                bound = bound[:-2]
            self._operator = _OPERATORS[operator]
            self._bound = VersionOrder(bound)
            self.is_exact = operator == "=="
        elif s == "*":
            self._operator = "any"
        elif "*" in s.rstrip("*"):
            pattern = s.replace(".", r"\.").replace("+", r"\+").replace("*", r".*")
            self._regex = compile_regex(r"^(?:%s)$" % pattern, s)
        elif s[-1] == "*":
            if not s.endswith(".*"):
                self.spec = s = s[:-1] + ".*"
            self._operator = _OPERATORS["="]
            self._bound = VersionOrder(s.rstrip("*").rstrip("."))
        elif "@" in s:
            self._operator = "literal"
            self.is_exact = True
        else:
            self._operator = _OPERATORS["=="]
            self._bound = VersionOrder(s)
            self.is_exact = True

    def match(self, version):
        """True/False for a record's version string, None when undecidable."""
        version = str(version)
        if self._children:
            # any undecidable branch (conda would raise there) makes the whole undecidable
            verdicts = [c.match(version) for c in self._children]
            return None if None in verdicts else self._combinator(verdicts)
        if self._regex is not None:
            return bool(self._regex.match(version))
        if self._operator == "any":
            return True
        if self._operator == "literal":
            return self.spec == version
        candidate = _record_version(version)
        if candidate is None:
            return None  # conda would raise on this record; let conda speak
        return self._operator(candidate, self._bound)

    def __str__(self):
        return self.spec

    def __repr__(self):
        return "VersionSpec(%r)" % self.spec


def compile_regex(pattern, spec):
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise SpecError(spec, "invalid regular expression: %s" % exc)


class BuildNumberSpec:
    """A ``build_number`` constraint with conda's ``BuildNumberMatch`` semantics."""

    def __init__(self, spec):
        self.spec = str(spec).strip()
        self._exact = None
        self._operator = None
        self._bound = None
        self._regex = None
        try:
            self._exact = int(self.spec)
            return
        except ValueError:
            pass
        if self.spec == "*":
            self._operator = lambda v, b: True
        elif self.spec.startswith(("=", "<", ">", "!")):
            m = RELATION_RE.match(self.spec)
            if m is None or m.group(1) not in _OPERATORS:
                raise SpecError(self.spec, "invalid operator")
            self._operator = _OPERATORS[m.group(1)]
            self._bound = VersionOrder(m.group(2))
        elif self.spec.startswith("^") or self.spec.endswith("$"):
            if not (self.spec.startswith("^") and self.spec.endswith("$")):
                raise SpecError(self.spec, "regex specs must start with '^' and end with '$'")
            self._regex = compile_regex(self.spec, self.spec)

    def match(self, build_number):
        if not isinstance(build_number, int) or isinstance(build_number, bool):
            return None
        if self._exact is not None:
            return self._exact == build_number
        if self._operator is not None:
            return self._operator(VersionOrder(str(build_number)), self._bound)
        # conda applies the regex to an int (TypeError) or compares str to int (never equal)
        return None if self._regex is not None else False

    def __str__(self):
        return self.spec
