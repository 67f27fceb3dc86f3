# -*- coding: utf-8 -*-
# Copyright: contributors to macfleet.conda
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PEP 508 requirements and markers, requirement-file lines, and whether installed metadata meets them.

Parsing follows ``packaging.requirements`` / ``packaging.markers`` (26.x, what pip vendors) token
for token, so what pip refuses raises ``RequirementError`` here; lines follow pip's
``req_file``. ``satisfied`` and ``needed_distributions`` answer from the installed distributions'
versions and ``Requires-Dist`` alone, without running pip.

Private to this collection (not a public API), as the leading underscore says.
"""

from __future__ import annotations

import ast
import re
import shlex
import warnings

from ansible_collections.macfleet.conda.plugins.module_utils._pep440 import (
    SPECIFIER_PATTERN, InvalidSpecifier, InvalidVersion, SpecifierSet, parse_version)

__all__ = [
    "RequirementError", "Requirement", "Marker", "RequirementLines", "canonical_name", "parse_requirement",
    "marker_environment", "split_requirement_lines", "satisfied", "needed_distributions",
]


class RequirementError(ValueError):
    """A requirement, marker or requirement-file line pip would refuse."""


def canonical_name(name):
    """A distribution or extra name as PEP 503 compares it."""
    return re.sub(r"[-_.]+", "-", name).lower()


# --- PEP 508 tokens (packaging's own rules) -----------------------------------------------

_WS = re.compile(r"[ \t]+")
_IDENTIFIER = re.compile(r"\b[a-zA-Z0-9][a-zA-Z0-9._-]*\b")
_URL = re.compile(r"\S+")
_QUOTED = re.compile(r"""('[^']*')|("[^"]*")""")
_OP = re.compile(r"(===|==|~=|!=|<=|>=|<|>)")
_BOOLOP = re.compile(r"\b(or|and)\b")
_IN = re.compile(r"\bin\b")
_NOT = re.compile(r"\bnot\b")
_VARIABLE = re.compile(r"""
    \b(
        python_version|python_full_version|os[._]name|sys[._]platform|platform_(release|system)
        |platform[._](version|machine|python_implementation)|python_implementation|implementation_(name|version)
        |extras?|dependency_groups
    )\b""", re.VERBOSE)
_SPECIFIER = re.compile(SPECIFIER_PATTERN, re.VERBOSE | re.IGNORECASE)
# a whole specifier list: printable ASCII and tabs up to ';', ')' or the end
_SPECIFIER_LIST = re.compile(r"[\t\x20-\x28\x2a-\x3a\x3c-\x7e]*(?=[;)]|\Z)")
_WILDCARD_TRAIL = re.compile(r"\.\*")
_LOCAL_TRAIL = re.compile(r"\+[a-z0-9]+(?:[-_\.][a-z0-9]+)*")
# Parenthesised markers recurse; packaging caps the depth as CPython's parser does.
_MAX_NESTING = 200
# Markers whose values PEP 508 compares as versions when both sides parse as specifier and version.
_VERSION_MARKERS = frozenset(["implementation_version", "platform_release", "python_full_version", "python_version"])
# PEP 751's set-valued markers; pip's environment has none, so they fail to evaluate
_SET_MARKERS = frozenset(["extras", "dependency_groups"])


class _Cursor(object):
    """A position in the text being parsed; every syntax error names the whole text."""

    def __init__(self, text, what):
        self.text, self.what, self.pos = text, what, 0

    def take(self, pattern):
        match = pattern.match(self.text, self.pos)
        if match:
            self.pos = match.end()
            return match.group(0)
        return None

    def skip_ws(self):
        self.take(_WS)

    def peek(self, literal):
        return self.text.startswith(literal, self.pos)

    def at_end(self):
        return self.pos == len(self.text)

    def fail(self, problem):
        raise RequirementError("Invalid %s %r: %s (at position %d)" % (self.what, self.text, problem, self.pos))


# --- markers ------------------------------------------------------------------------------

def _parse_marker(cursor, depth=0):
    """``marker_atom (('and' | 'or') marker_atom)*`` as a flat list; evaluation gives 'and' precedence."""
    expression = [_parse_marker_atom(cursor, depth)]
    while True:
        boolop = cursor.take(_BOOLOP)
        if boolop is None:
            return expression
        expression.extend((boolop, _parse_marker_atom(cursor, depth)))


def _parse_marker_atom(cursor, depth):
    cursor.skip_ws()
    if cursor.peek("("):
        if depth >= _MAX_NESTING:
            cursor.fail("more than %d levels of parentheses" % _MAX_NESTING)
        cursor.pos += 1
        atom = _parse_marker(cursor, depth + 1)
        if not cursor.peek(")"):
            cursor.fail("expected ')' closing the marker expression")
        cursor.pos += 1
    else:
        left = _parse_marker_var(cursor)
        cursor.skip_ws()
        op = _parse_marker_op(cursor)
        cursor.skip_ws()
        atom = _normalise_extra((left, op, _parse_marker_var(cursor)))
    cursor.skip_ws()
    return atom


def _parse_marker_var(cursor):
    """('var', name) for an environment marker, ('value', text) for a quoted string."""
    name = cursor.take(_VARIABLE)
    if name is not None:
        name = name.replace(".", "_")
        return ("var", "platform_python_implementation" if name == "python_implementation" else name)
    start = cursor.pos
    quoted = cursor.take(_QUOTED)
    if quoted is None:
        cursor.fail("expected a marker variable or quoted string")
    if "\\" not in quoted and quoted.isprintable():
        return ("value", quoted[1:-1])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # '\d' and the like stay literal, as in a Python string
            return ("value", str(ast.literal_eval(quoted)))
    except (SyntaxError, ValueError):
        cursor.pos = start
        return cursor.fail("expected a valid quoted string")


def _parse_marker_op(cursor):
    if cursor.take(_IN):
        return "in"
    if cursor.take(_NOT):
        if cursor.take(_WS) is None or cursor.take(_IN) is None:
            cursor.fail("expected 'in' after 'not'")
        return "not in"
    op = cursor.take(_OP)
    if op is None:
        cursor.fail("expected a marker operator (<=, <, !=, ==, >=, >, ~=, ===, in, not in)")
    return op


def _normalise_extra(item):
    """Extra names compare canonicalised (PEP 685): 'extra == "Foo_Bar"' is 'extra == "foo-bar"'."""
    left, op, right = item
    if left == ("var", "extra") and right[0] == "value":
        right = ("value", canonical_name(right[1]))
    elif right == ("var", "extra") and left[0] == "value":
        left = ("value", canonical_name(left[1]))
    elif right[0] == "var" and right[1] in _SET_MARKERS and left[0] == "value":
        left = ("value", canonical_name(left[1]))
    return left, op, right


def _format_marker(node, first=True):
    if isinstance(node, tuple):
        return " ".join(_format_operand(part) if isinstance(part, tuple) else part for part in node)
    if isinstance(node, str):
        return node
    if len(node) == 1 and isinstance(node[0], (list, tuple)):  # "(a)" prints as "a"
        return _format_marker(node[0], first)
    inner = " ".join(_format_marker(part, False) for part in node)
    return inner if first else "(" + inner + ")"


def _format_operand(operand):
    kind, text = operand
    if kind == "var":
        return text
    return '"%s"' % text if '"' not in text else "'%s'" % text


def _evaluate(node, environment, text):
    # every comparison is evaluated, as packaging does, so an undefined one fails even where
    # 'and'/'or' would not need it
    groups = [[]]
    for part in node:
        if isinstance(part, list):
            groups[-1].append(_evaluate(part, environment, text))
        elif isinstance(part, tuple):
            groups[-1].append(_compare(part, environment, text))
        elif part == "or":
            groups.append([])
    return any(all(group) for group in groups)


def _compare(item, environment, text):
    left, op, right = item
    if left[0] == "var":
        key, lhs, rhs = left[1], _lookup(environment, left[1], text), right[1]
    else:
        # packaging reads the right-hand side as a variable here, even a quoted one
        key, lhs, rhs = right[1], left[1], _lookup(environment, right[1], text)
    if key in _VERSION_MARKERS and "," not in rhs:  # one clause, as packaging's Specifier takes
        try:
            return SpecifierSet(op + rhs).contains(lhs, prereleases=True)
        except InvalidSpecifier:
            pass
    # PEP 508 leaves ordering of plain strings undefined; packaging 26 makes '<'/'>' false and
    # '<='/'>=' equality, and refuses '~=' and '==='
    if op in ("==", "<=", ">="):
        return lhs == rhs
    if op == "!=":
        return lhs != rhs
    if op in ("<", ">"):
        return False
    if op == "in":
        return lhs in rhs
    if op == "not in":
        return lhs not in rhs
    raise RequirementError("Cannot evaluate marker %r: %r %s %r compares no versions" % (text, lhs, op, rhs))


def _lookup(environment, key, text):
    try:
        value = environment[key]
    except KeyError:
        raise RequirementError("Cannot evaluate marker %r: the environment has no %r" % (text, key)) from None
    if not isinstance(value, str):
        raise RequirementError("Cannot evaluate marker %r: %r is not a string" % (text, key))
    return value


class Marker(object):
    """A PEP 508 environment marker (the part after ``;``)."""

    __slots__ = ("_tree",)

    def __init__(self, text):
        if not isinstance(text, str):
            raise RequirementError("Invalid marker %r: not a string" % (text,))
        cursor = _Cursor(text, "marker")
        self._tree = _parse_marker(cursor)
        if not cursor.at_end():
            cursor.fail("expected 'and', 'or' or the end of the marker")

    def __str__(self):
        return _format_marker(self._tree)

    def __repr__(self):
        return "Marker(%r)" % str(self)

    def evaluate(self, environment, extra=None):
        """Whether the marker holds in ``environment`` (``marker_environment``) with ``extra`` requested.

        RequirementError where pip cannot evaluate it either (an unknown name, '~=' on plain strings).
        """
        environment = dict(environment)
        environment["extra"] = canonical_name(extra) if extra else ""
        return _evaluate(self._tree, environment, str(self))


def _marker_from(cursor):
    """The marker after ``;`` of a requirement: the rest of the text must be it."""
    tree = _parse_marker(cursor)
    if not cursor.at_end():
        cursor.fail("expected 'and', 'or' or the end of the requirement")
    marker = Marker.__new__(Marker)
    marker._tree = tree
    return marker


# --- requirements -------------------------------------------------------------------------

class Requirement(object):
    """A parsed PEP 508 requirement; ``name`` and ``extras`` canonical (PEP 503)."""

    __slots__ = ("name", "raw_name", "extras", "specifier", "marker", "url", "original")

    def __init__(self, original, raw_name, extras, specifier, marker, url):
        self.original = original
        self.raw_name = raw_name
        self.name = canonical_name(raw_name)
        self.extras = frozenset(canonical_name(extra) for extra in extras)
        self.specifier = specifier
        self.marker = marker
        self.url = url

    def __repr__(self):
        return "Requirement(%r)" % self.original


def parse_requirement(text):
    """The ``Requirement`` of a PEP 508 string, as ``packaging.requirements.Requirement`` reads it."""
    if not isinstance(text, str):
        raise RequirementError("Invalid requirement %r: not a string" % (text,))
    cursor = _Cursor(text, "requirement")
    cursor.skip_ws()
    name = cursor.take(_IDENTIFIER)
    if name is None:
        cursor.fail("expected a package name")
    cursor.skip_ws()
    extras = _parse_extras(cursor) if cursor.peek("[") else []
    url, specifier, marker = None, "", None
    if cursor.peek("@"):
        cursor.pos += 1
        cursor.skip_ws()
        url = cursor.take(_URL)
        if url is None:
            cursor.fail("expected a URL after '@'")
        if not cursor.at_end():
            # a ';' right after the URL belongs to the URL: only whitespace ends it
            if cursor.take(_WS) is None:
                cursor.fail("expected whitespace after the URL")
            if not cursor.at_end():
                if not cursor.peek(";"):
                    cursor.fail("expected ';' before the marker")
                cursor.pos += 1
                marker = _marker_from(cursor)
    else:
        if cursor.peek("("):
            cursor.pos += 1
            cursor.skip_ws()
            specifier = _parse_version_many(cursor)
            if not cursor.peek(")"):
                cursor.fail("expected ')' closing the version specifier")
            cursor.pos += 1
            cursor.skip_ws()
        else:
            specifier = _parse_version_many(cursor)
        if not cursor.at_end():
            if not cursor.peek(";"):
                cursor.fail("expected ',' within the version specifier or ';' before the marker" if specifier
                            else "expected a version specifier or ';' before the marker")
            cursor.pos += 1
            marker = _marker_from(cursor)
    try:
        specifier = SpecifierSet(specifier)
    except InvalidSpecifier as exc:
        raise RequirementError("Invalid requirement %r: %s" % (text, exc)) from None
    return Requirement(text, name, extras, specifier, marker, url)


def _parse_extras(cursor):
    cursor.pos += 1
    cursor.skip_ws()
    extras = []
    extra = cursor.take(_IDENTIFIER)
    if extra is not None:
        extras.append(extra)
        while True:
            cursor.skip_ws()
            if _IDENTIFIER.match(cursor.text, cursor.pos):
                cursor.fail("expected ',' between extra names")
            if not cursor.peek(","):
                break
            cursor.pos += 1
            cursor.skip_ws()
            extra = cursor.take(_IDENTIFIER)
            if extra is None:
                cursor.fail("expected an extra name after ','")
            extras.append(extra)
    cursor.skip_ws()
    if not cursor.peek("]"):
        cursor.fail("expected ']' closing the extras")
    cursor.pos += 1
    cursor.skip_ws()
    return extras


def _parse_version_many(cursor):
    """``specifier (',' specifier)* ','?`` with whitespace around commas; the text, for SpecifierSet.

    packaging first tries the whole list at once, split at commas, and only then clause by
    clause: the two differ where '===' swallows a comma ('===1.0,==1.0' is two clauses).
    """
    match = _SPECIFIER_LIST.match(cursor.text, cursor.pos)
    if match and match.group(0):
        text = match.group(0)
        try:
            clauses = len(SpecifierSet(text))
        except InvalidSpecifier:
            clauses = None
        commas = text.count(",")
        # SpecifierSet skips empty items; the grammar allows only a trailing comma
        if clauses == commas + 1 or (clauses and clauses == commas and text.rstrip(" \t").endswith(",")):
            cursor.pos = match.end()
            return text
    parts = []
    while True:
        start = cursor.pos
        spec = cursor.take(_SPECIFIER)
        if spec is None:
            break
        parts.append(spec)
        if _WILDCARD_TRAIL.match(cursor.text, cursor.pos):
            cursor.pos = start
            cursor.fail("'.*' after %r: it goes only with '==' or '!=' and a plain release" % spec)
        if _LOCAL_TRAIL.match(cursor.text, cursor.pos):
            cursor.pos = start
            cursor.fail("a local version after %r: only '==' and '!=' take one" % spec)
        cursor.skip_ws()
        if not cursor.peek(","):
            break
        cursor.pos += 1
        parts.append(",")
        cursor.skip_ws()
    return "".join(parts)


# --- the marker environment of a conda env ------------------------------------------------

# conda subdir -> (platform_machine, sys_platform, platform_system, os_name)
_SUBDIRS = {
    "osx-arm64": ("arm64", "darwin", "Darwin", "posix"),
    "osx-64": ("x86_64", "darwin", "Darwin", "posix"),
    "linux-64": ("x86_64", "linux", "Linux", "posix"),
    "linux-aarch64": ("aarch64", "linux", "Linux", "posix"),
    "linux-ppc64le": ("ppc64le", "linux", "Linux", "posix"),
    "win-64": ("AMD64", "win32", "Windows", "nt"),
    "win-arm64": ("ARM64", "win32", "Windows", "nt"),
}
_PYTHON_VERSION_RE = re.compile(r"^(\d+)\.(\d+)(?:\.(\d+))?(?:(a|b|rc)(\d+))?$")


def marker_environment(python_version, subdir, system=None, release="", version=""):
    """The PEP 508 environment of a CPython env from its conda python record's version and subdir.

    ``system``, ``release`` and ``version`` are ``platform.system()``, ``.release()`` and
    ``.version()`` of the host, when known; the system otherwise follows the subdir.
    """
    if subdir not in _SUBDIRS:
        raise ValueError("unknown conda subdir %r: expected one of %s" % (subdir, ", ".join(sorted(_SUBDIRS))))
    match = _PYTHON_VERSION_RE.match(str(python_version))
    if not match:
        raise ValueError("not a CPython version: %r" % (python_version,))
    major, minor, micro, level, serial = match.groups()
    full = "%s.%s.%s" % (major, minor, micro or "0")
    machine, sys_platform, platform_system, os_name = _SUBDIRS[subdir]
    return {
        "implementation_name": "cpython",
        # sys.implementation.version spells a release candidate 'c' where platform.python_version() says 'rc'
        "implementation_version": full + ({"rc": "c"}.get(level, level) + serial if level else ""),
        "os_name": os_name,
        "platform_machine": machine,
        "platform_release": release,
        "platform_system": system if system is not None else platform_system,
        "platform_version": version,
        "python_full_version": full + (level + serial if level else ""),
        "platform_python_implementation": "CPython",
        "python_version": "%s.%s" % (major, minor),
        "sys_platform": sys_platform,
    }


# --- requirement-file lines ---------------------------------------------------------------

_COMMENT_RE = re.compile(r"(^|\s+)#.*$")
_ENV_VAR_RE = re.compile(r"\$\{[A-Z0-9_]+\}")
# pip's requirement-file options: long name -> (short name, takes a value, role); 'option' lines
# shape the whole install, 'undecidable' ones name what only pip can read, 'per-requirement'
# ones follow a requirement on its line.
_OPTIONS = {
    "--index-url": ("-i", True, "option"),
    "--extra-index-url": (None, True, "option"),
    "--no-index": (None, False, "option"),
    "--constraint": ("-c", True, "undecidable"),
    "--requirement": ("-r", True, "undecidable"),
    "--editable": ("-e", True, "undecidable"),
    "--find-links": ("-f", True, "option"),
    "--no-binary": (None, True, "option"),
    "--only-binary": (None, True, "option"),
    "--prefer-binary": (None, False, "option"),
    "--require-hashes": (None, False, "option"),
    "--pre": (None, False, "option"),
    "--trusted-host": (None, True, "option"),
    "--use-feature": (None, True, "option"),
    "--global-option": (None, True, "per-requirement"),
    "--hash": (None, True, "per-requirement"),
    "--config-settings": (None, True, "per-requirement"),
}
_SHORT = dict((option[0], name) for name, option in _OPTIONS.items() if option[0])
# Options whose value pip reads from the disk when it is not a URL.
_PATH_VALUED = ("--requirement", "--constraint", "--editable", "--find-links")
# Options naming a file of further requirements or constraints, which this reader does not open.
_FILE_OPTIONS = ("--requirement", "--constraint")
_VCS = ("git", "hg", "svn", "bzr")
_URL_SCHEMES = ("http", "https", "file", "ftp") + _VCS
_ARCHIVES = (".zip", ".whl", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tlz", ".tar.lz", ".tar.lzma", ".tar.gz",
             ".tgz", ".tar")


class RequirementLines(object):
    """Requirement-file lines, split into what metadata can decide and what only pip can."""

    def __init__(self):
        self.options = []
        self.requirements = []
        self.undecidable = []
        self.pre = False
        self.argv = []             # every line as ``pip install`` arguments, in order
        self.per_requirement = []  # (line, option): options after a requirement, valid in a file only
        self.local_paths = []      # (line, path): what pip would read from the local disk
        self.sources = {}          # undecidable line -> the URL or path it installs from
        self.reads_files = False   # a -r/-c line: requirements or constraints this reader does not see


def split_requirement_lines(lines):
    """``RequirementLines`` of ``pip install -r`` lines (conda's ``pip:`` list); RequirementError where pip refuses.

    ``.options`` holds the option lines' tokens, long names and values apart (``-i URL`` is
    ``['--index-url', 'URL']``); ``.requirements`` the plain PEP 508 requirements; ``.undecidable``
    the lines only pip can tell about: URLs, VCS, paths, archives, ``name @ url``, ``-e``, ``-r``,
    ``-c`` (a constraint can turn a met requirement into an upgrade), and requirements using
    ``${VAR}`` (pip expands those from its environment); ``.argv`` every line as ``pip install``
    arguments. Two deliberate refusals where pip would carry on: an option on a requirement's line
    that pip ignores there (``foo --pre``) and anything left over on an option line (``--pre foo``),
    both surely mistakes.
    """
    result = RequirementLines()
    for original, line in _logical_lines(lines):
        args, option_text = _break_args_options(line)
        try:
            tokens = shlex.split(option_text)
        except ValueError as exc:
            raise RequirementError("Invalid requirement line %r: %s" % (original, exc)) from None
        options = _parse_options(tokens, original)
        if args:
            _add_requirement_line(result, original, args, options)
        else:
            _add_option_line(result, original, options)
    return result


def _add_requirement_line(result, original, args, options):
    misplaced = [name for name, _value in options if _OPTIONS[name][2] != "per-requirement"]
    if misplaced:
        raise RequirementError("Invalid requirement line %r: pip ignores %s after a requirement; give it "
                               "a line of its own" % (original, misplaced[0]))
    result.argv.append(args)
    result.per_requirement.extend((original, name) for name, _value in options)
    if _ENV_VAR_RE.search(args):  # pip expands ${VAR} from its environment
        result.undecidable.append(original)
        return
    if _names_url_or_path(args):
        source = args.split(";", 1)[0].strip()
        result.undecidable.append(original)
        result.sources[original] = source
        if not _is_url(source):
            result.local_paths.append((original, source))
        return
    requirement = parse_requirement(args)
    if requirement.url:
        result.undecidable.append(original)
    else:
        result.requirements.append(requirement)


def _add_option_line(result, original, options):
    stray = [name for name, _value in options if _OPTIONS[name][2] == "per-requirement"]
    if stray:
        raise RequirementError("Invalid requirement line %r: %s goes after a requirement" % (original, stray[0]))
    for name, value in options:
        result.argv.extend([name] if value is None else [name, value])
        if name in _PATH_VALUED and not _is_url(value):
            result.local_paths.append((original, value))
        result.reads_files = result.reads_files or name in _FILE_OPTIONS
        if name == "--editable":
            result.sources[original] = value
    if any(_OPTIONS[name][2] == "undecidable" for name, _value in options):
        result.undecidable.append(original)
        return
    for name, value in options:
        result.options.extend([name] if value is None else [name, value])
        result.pre = result.pre or name == "--pre"


def _is_url(text):
    scheme = text.split(":", 1)[0].lower() if "://" in text else ""
    return bool(scheme) or text.lower().startswith(tuple(vcs + "+" for vcs in _VCS))


def _logical_lines(lines):
    """(original, line without its comment) for each line pip reads, continuation lines joined."""
    physical = []
    for item in lines:
        if not isinstance(item, str):
            raise RequirementError("Invalid requirement line %r: not a string" % (item,))
        physical.extend(item.splitlines() or [""])
    pending = []
    for line in physical + [None]:
        if line is not None and line.endswith("\\") and not _COMMENT_RE.match(line):
            pending.append(line.strip("\\"))
            continue
        if line is None:
            if not pending:
                break
            line = ""
        elif _COMMENT_RE.match(line):
            line = " " + line  # a comment ends a continuation, and stays a comment
        original = "".join(pending) + line
        pending = []
        text = _COMMENT_RE.sub("", original).strip()
        if text:
            yield original, text


def _break_args_options(line):
    """pip's split: the requirement is the words before the first one starting with '-'."""
    words = line.split(" ")
    for index, word in enumerate(words):
        if word.startswith("-"):
            return " ".join(words[:index]), " ".join(words[index:])
    return line, ""


def _parse_options(tokens, original):
    """[(long name, value or None)] as pip's optparse reads the tokens."""
    options, index = [], 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if token.startswith("--") and len(token) > 2:
            given, has_value, value = token.partition("=")
            name = _long_option(given, original)
            takes_value = _OPTIONS[name][1]
            if has_value and not takes_value:
                raise RequirementError("Invalid requirement line %r: %s takes no value" % (original, name))
        elif token[:2] in _SHORT:
            name, value, has_value, takes_value = _SHORT[token[:2]], token[2:], len(token) > 2, True
        else:
            raise RequirementError("Invalid requirement line %r: %s %r" % (
                original, "unknown option" if token.startswith("-") else "unexpected", token))
        if takes_value and not has_value:
            if index == len(tokens):
                raise RequirementError("Invalid requirement line %r: %s needs a value" % (original, name))
            value = tokens[index]
            index += 1
        options.append((name, value if takes_value else None))
    return options


def _long_option(given, original):
    """optparse's matching: an exact name, or an abbreviation of exactly one."""
    if given in _OPTIONS:
        return given
    candidates = [name for name in _OPTIONS if name.startswith(given)]
    if len(candidates) != 1:
        raise RequirementError("Invalid requirement line %r: %s option %s" % (
            original, "ambiguous" if candidates else "unknown", given))
    return candidates[0]


def _names_url_or_path(args):
    """Whether pip reads the requirement as a URL, a local path or an archive rather than a name."""
    head = args.split(";", 1)[0].strip()
    scheme = head.split(":", 1)[0].lower() if ":" in head else ""
    if scheme in _URL_SCHEMES or scheme.startswith(tuple(vcs + "+" for vcs in _VCS)):
        return True
    path = re.sub(r"\[[^\]]*\]$", "", head)
    return "/" in head or head.startswith(".") or path.lower().endswith(_ARCHIVES)


# --- deciding from installed metadata -------------------------------------------------------

def satisfied(requirement, installed, environment, requires=None):
    """Whether the installed distributions meet ``requirement``: True, False, or None if only pip can tell.

    ``installed`` maps canonical names to installed versions. True when the marker rules the
    requirement out for ``environment``, or its distribution is installed at a version the
    specifier contains (an installed prerelease counts, as pip counts it). A requirement with
    extras is None unless ``requires`` (canonical name -> Requires-Dist strings of installed
    distributions) is given: then the extras' own requirements must be satisfied too, recursively.
    A URL requirement, an installed version that is not PEP 440, or unparsable Requires-Dist is None.
    The installed distribution's own (non-extra) dependencies are not checked: that is ``pip check``.
    """
    return _satisfied(requirement, installed, environment, requires, set(), None)


def _satisfied(requirement, installed, environment, requires, visiting, extra):
    if requirement.marker is not None and not requirement.marker.evaluate(environment, extra):
        return True
    if requirement.url is not None:
        return None
    version = installed.get(requirement.name)
    if version is None:
        return False
    try:
        parse_version(version)
    except InvalidVersion:
        # pip (24.1+) no longer reads a non-PEP 440 installed version; only '===' names one
        named = "===" in str(requirement.specifier) and requirement.specifier.contains(version, prereleases=True)
        return True if named else None
    if not requirement.specifier.contains(version, prereleases=True):
        return False
    if not requirement.extras:
        return True
    if requires is None:
        return None
    verdicts = []
    for name in sorted(requirement.extras):
        if (requirement.name, name) in visiting:
            continue  # a cycle of extras: the outer call answers for it
        visiting.add((requirement.name, name))
        for text in requires.get(requirement.name, ()):
            try:
                dependency = parse_requirement(text)
            except RequirementError:
                return None
            if dependency.marker is not None and dependency.marker.evaluate(environment, name) \
                    and not dependency.marker.evaluate(environment):
                verdicts.append(_satisfied(dependency, installed, environment, requires, visiting, name))
    return False if False in verdicts else None if None in verdicts else True


def needed_distributions(requirements, requires, installed, environment):
    """Canonical names of the installed distributions ``requirements`` need, directly or through Requires-Dist.

    Markers are evaluated for ``environment`` (with each requested extra), extras are followed,
    versions are not looked at: what is installed under a needed name is needed. RequirementError
    for a Requires-Dist pip could not read either.
    """
    needed, seen = set(), set()
    pending = [(requirement, None) for requirement in requirements]
    while pending:
        requirement, extra = pending.pop()
        if requirement.marker is not None and not requirement.marker.evaluate(environment, extra):
            continue
        for wanted in [None] + sorted(requirement.extras):
            if (requirement.name, wanted) in seen or requirement.name not in installed:
                continue
            seen.add((requirement.name, wanted))
            needed.add(requirement.name)
            for text in requires.get(requirement.name, ()):
                try:
                    pending.append((parse_requirement(text), wanted))
                except RequirementError as exc:
                    raise RequirementError("Requires-Dist of %s: %s" % (requirement.name, exc)) from None
    return needed
