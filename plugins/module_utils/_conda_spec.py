# -*- coding: utf-8 -*-
# Copyright: contributors to macfleet.conda
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Conda match specs, parsed and matched with conda's own semantics, without conda.

Modules read a prefix's ``conda-meta/*.json`` records and ask this module whether the
requested specs are already satisfied.  Parsing follows conda's classic parser
(``conda.models.match_spec._parse_spec_str``; versions are in ``_conda_version``), so a spec is
invalid here when conda rejects it (and also when it is empty, which conda reads as "*").
Matching is tri-state: ``True``/``False`` when the answer is certain, ``None`` when only
conda can tell; callers must then ask conda.  Undecidable: channel globs/regexes, channels
whose meaning depends on condarc (mirrors, channel_alias, default_channels, relative paths),
package-file specs, features/track_features/extras/flags keys, record fields missing
from the record, and whatever conda itself would raise on while matching (``~=1``).

The one toolkit for specs, channels, subdirs and package names: nothing else parses them.
Private to this collection (not a public API), as the leading underscore says.
"""

from __future__ import annotations

import functools
import os
import re
from urllib.parse import urlsplit

from ansible_collections.macfleet.conda.plugins.module_utils._conda_version import (  # noqa: F401 (re-exported)
    BuildNumberSpec, SpecError, VersionOrder, VersionSpec, compile_regex, parse_version)

__all__ = [
    "SpecError", "VersionOrder", "parse_version", "VersionSpec", "BuildNumberSpec", "MatchSpec",
    "spec_name", "KNOWN_SUBDIRS", "DEFAULT_CHANNEL_ALIAS", "channel_without_subdir",
]


# --- Strings: names, builds, hashes ------------------------------------------------------

class _GlobMatch:
    """Exact string, ``*`` glob, or ``^regex$`` (conda's GlobStrMatch)."""

    def __init__(self, value, spec, lower_spec=False, lower_record=False):
        self.value = value.lower() if lower_spec else value
        self._lower_record = lower_record
        self._re = None
        if self.value.startswith("^") and self.value.endswith("$"):
            self._re = compile_regex(self.value, spec)
        elif "*" in self.value:
            self._re = compile_regex(
                r"^(?:%s)$" % re.escape(self.value).replace(r"\*", ".*"), spec)

    @property
    def is_exact(self):
        return self._re is None

    def match(self, other):
        if other is None:
            return None
        other = str(other).lower() if self._lower_record else str(other)
        return bool(self._re.match(other)) if self._re else self.value == other

    def __str__(self):
        return self.value


class _ExactMatch:
    def __init__(self, value):
        self.value = str(value)
        self.is_exact = True

    def match(self, other):
        return None if other is None else self.value == str(other)

    def __str__(self):
        return self.value


class _Undecidable:
    """A field conda can match on but a conda-meta record cannot settle."""

    def __init__(self, value):
        self.value = str(value)
        self.is_exact = False

    def match(self, other):
        return None

    def __str__(self):
        return self.value


# --- Channels ----------------------------------------------------------------------------

KNOWN_SUBDIRS = frozenset((
    "noarch", "emscripten-wasm32", "wasi-wasm32", "freebsd-64", "linux-32", "linux-64",
    "linux-aarch64", "linux-armv6l", "linux-armv7l", "linux-ppc64", "linux-ppc64le",
    "linux-riscv64", "linux-s390x", "osx-64", "osx-arm64", "win-32", "win-64", "win-arm64",
    "zos-z",
))
_SCHEME_RE = re.compile(r"[a-z][a-z0-9]{0,11}://")
_LOCAL_PATH_RE = re.compile(r"\./|\.\.|~|/|[a-zA-Z]:[/\\]|\\\\|//")
# conda's built-in configuration; a host whose condarc changes these can make conda
# disagree with every answer below that relies on them, which is why those answers are
# limited to the public Anaconda hosts.
_CHANNEL_ALIAS_HOST = "conda.anaconda.org"
DEFAULT_CHANNEL_ALIAS = "https://%s/" % _CHANNEL_ALIAS_HOST
_DEFAULTS_HOST = "repo.anaconda.com"
_DEFAULT_CHANNEL_NAMES = frozenset(("pkgs/main", "pkgs/r"))
_DEFAULTS_FAMILY = _DEFAULT_CHANNEL_NAMES | {"defaults"}


def _split_subdir(path):
    head, last = path.rstrip("/").rpartition("/")[::2]
    if head and last in KNOWN_SUBDIRS:
        return head, last
    return path.rstrip("/"), None


def channel_without_subdir(channel, subdir=None):
    """``channel`` (a name or URL) without its trailing platform folder (``subdir`` or a known one)."""
    channel = channel.rstrip("/")
    if subdir and channel.endswith("/" + subdir):
        return channel[:-len(subdir) - 1]
    return _split_subdir(channel)[0]


class _Channel:
    """A channel as written in a spec or recorded in conda-meta: a URL and/or a name.

    ``name`` is the name conda would canonicalise to without any condarc (None for other
    URLs); ``base`` is the URL without its subdir (None for plain names).
    """

    def __init__(self, text, in_spec=False):
        text = text.strip()
        self.base = self.name = None
        # a relative or home path resolves against conda's cwd/HOME: not ours to guess
        self.resolved = not _LOCAL_PATH_RE.match(text) or (
            text.startswith("/") and not text.startswith("//"))
        if self.resolved and text.startswith("/"):
            text = "file://" + text
        if _SCHEME_RE.match(text):
            parts = urlsplit(text)
            path, self.subdir = _split_subdir(parts.path)
            self.path = path.strip("/")
            self.scheme = parts.scheme
            self.base = "%s://%s/%s" % (parts.scheme, parts.netloc, self.path)
            web = parts.scheme in ("http", "https")
            if web and parts.netloc == _CHANNEL_ALIAS_HOST:
                self.name = self.path
            elif web and parts.netloc == _DEFAULTS_HOST and self.path in _DEFAULT_CHANNEL_NAMES \
                    and not in_spec:  # in a spec conda keeps this URL as a URL
                self.name = self.path
        else:
            self.name, self.subdir = _split_subdir(text)
            self.path = self.name

    def __str__(self):
        if self.name is None:
            return self.base
        return "defaults" if self.name in _DEFAULT_CHANNEL_NAMES else self.name


class _ChannelMatch:
    def __init__(self, value, spec):
        self.value = value
        self.matches_all = value == "*"
        self.channel = None
        if value.startswith("^") and value.endswith("$"):
            compile_regex(value, spec)
        elif "*" in value:
            # conda builds this regex without escaping, so it can be invalid
            compile_regex("^(?:%s)$" % value.replace("*", ".*"), spec)
        else:
            self.channel = _Channel(value, in_spec=True)
        self.is_exact = self.channel is not None

    def match(self, record_channel):
        if self.matches_all:
            return True
        if self.channel is None or not record_channel:
            return None  # globs/regexes see conda's canonical name, which depends on condarc
        record = _Channel(str(record_channel))
        if not (self.channel.resolved and record.resolved):
            return None
        return _channel_verdict(self.channel, record)

    def __str__(self):
        return str(self.channel) if self.channel else self.value


def _last_segment(path):
    return path.rstrip("/").rpartition("/")[2]


def _channel_verdict(spec, rec):
    """Certain verdicts only; None whenever conda's channel configuration could flip it."""
    if spec.name is None:
        if spec.base == rec.base:
            return True
        return None if _last_segment(rec.path) == _last_segment(spec.path) else False
    if spec.name in _DEFAULTS_FAMILY:
        # conda reads 'pkgs/main' in a spec as 'defaults', i.e. any of default_channels
        if rec.name is not None:
            return rec.name in _DEFAULTS_FAMILY
        return None
    if rec.name is not None:
        return rec.name == spec.name
    if rec.scheme == "file" and _last_segment(rec.path) == spec.name:
        return True  # conda names a file:// channel after its last path segment
    if rec.scheme != "file" and rec.path in (spec.name, "conda/" + spec.name):
        return True
    # e.g. a mirror configured as channel_alias: the name is whatever follows the alias
    return None if rec.path.endswith("/" + spec.name) else False


# --- Match specs -------------------------------------------------------------------------

_BRACKETS_RE = re.compile(r".*(?:(\[.*\]))")
_BRACKETS_KV_RE = re.compile(r"([a-zA-Z0-9_-]+?)=([\"']?)([^'\"]*?)(\2)(?:[, ]|$)")
_PARENS_RE = re.compile(r".*(?:(\(.*\)))")
_NAME_VERSION_RE = re.compile(r"([^ =<>!~]+)?([><!=~ ].+)?")
_VERSION_BUILD_RE = re.compile(r"((?:.+?)[^><!,|]?)(?:(?<![=!|,<>~])(?:[ =])([^-=,|<>~]+?))?$")
_NAME_RE = re.compile(r"^(([a-z0-9])|([a-z0-9_](?!_)))[._-]?([a-z0-9]+(\.|-|_|$))*$")
_VIRTUAL_NAME_RE = re.compile(r"^__[a-z0-9][._-]?([a-z0-9]+(\.|-|_|$))*$")
_TARBALL_EXTENSIONS = (".tar.bz2", ".conda")
FIELD_NAMES = (
    "channel", "subdir", "name", "version", "build", "build_number", "track_features",
    "features", "url", "md5", "sha256", "license", "license_family", "fn", "when",
    "extras", "flags",
)


def _validate_name(name, spec):
    if "*" in name:
        return
    lowered = name.lower()
    invalid = re.findall(r"[^a-z0-9._-]", lowered)
    if invalid:
        raise SpecError(spec, "package name contains invalid characters (%s)"
                        % "".join(dict.fromkeys(invalid)))
    if not (_NAME_RE.match(lowered) or _VIRTUAL_NAME_RE.match(lowered)):
        raise SpecError(spec, "invalid package name")


def _sanitize_version(version, build):
    """``=1.2`` means ``1.2.*`` and ``==1.2`` means ``1.2``, as in conda."""
    if version in ("==", "=") or not version.startswith("="):
        return version
    bare = version.lstrip("=")
    if version.startswith("==") and build is None:
        return bare
    if not any(c in bare for c in "=,|"):
        return bare + "*" if build is None and not bare.endswith("*") else bare
    return version


def _split_version_build(text):
    m = _VERSION_BUILD_RE.search(text)
    version, build = m.groups() if m else (text, None)
    return version and version.replace(" ", ""), build and build.strip()


def _parse_fields(spec_str):
    original = spec_str
    if spec_str.endswith("@"):
        return {"name": "*", "track_features": spec_str[:-1]}
    spec_str = spec_str.split("#", 1)[0].split(" if ", 1)[0]
    if spec_str.endswith(_TARBALL_EXTENSIONS):
        return _parse_tarball(spec_str, original)

    brackets = {}
    m = _BRACKETS_RE.match(spec_str)
    if m:
        spec_str = spec_str.replace(m.group(1), "")
        for kv in _BRACKETS_KV_RE.finditer(m.group(1)[1:-1]):
            key, value = kv.group(1, 3)
            if not key or not value:
                raise SpecError(original, "key-value mismatch in brackets")
            brackets[key] = _sanitize_version(value, None) if key == "version" else value
    m = _PARENS_RE.match(spec_str)
    if m:  # legacy '(optional)' section: parsed away and ignored, as conda does
        spec_str = spec_str.replace(m.group(1), "")

    pieces = spec_str.rsplit(":", 2)
    spec_str = pieces[-1]
    channel_str = pieces[0] if len(pieces) == 3 else None
    # 'channel:namespace:name' - conda parses the namespace and then ignores it
    fields = {"_namespace": pieces[-2]} if len(pieces) > 1 and pieces[-2] else {}
    if channel_str:
        fields.update(_channel_fields(channel_str))
    if brackets.get("channel"):
        fields.update(_channel_fields(brackets.pop("channel")))
    brackets.pop("channel", None)

    m = _NAME_VERSION_RE.match(spec_str)
    name, rest = m.groups()
    if name is None:
        raise SpecError(original, "no package name found in %r" % spec_str)
    _validate_name(name, original)
    fields["name"] = name
    rest = rest and rest.strip()
    if rest:
        if "[" in rest:
            raise SpecError(original, "multiple brackets sections not allowed")
        version, build = _split_version_build(rest)
        fields["version"] = _sanitize_version(version, build)
        if build is not None:
            fields["build"] = build
    brackets.pop("name", None)  # conda ignores a bracketed name when one is outside
    fields.update(brackets)
    unknown = set(fields) - set(FIELD_NAMES) - {"_namespace"}
    if unknown:
        raise SpecError(original, "cannot match on field(s): %s" % ", ".join(sorted(unknown)))
    return fields


def _channel_fields(channel_str):
    channel = _Channel(channel_str, in_spec=True)
    fields = {"channel": str(channel) if "*" not in channel_str else channel_str}
    if channel.subdir:
        fields["subdir"] = channel.subdir
    if channel_str == "*" or (channel_str.startswith("*/") and channel.subdir):
        fields.pop("channel")  # '*/linux-64::foo' only constrains the subdir
    return fields


def _parse_tarball(spec_str, original):
    """A package file: identify it, but leave the match (by URL) to conda."""
    filename = os.path.basename(spec_str)
    stem = filename[:-len(".tar.bz2")] if filename.endswith(".tar.bz2") else filename[:-6]
    parts = stem.rsplit("-", 2)
    if len(parts) != 3:
        return {"name": "*", "fn": filename, "url": spec_str}
    return {"name": parts[0], "version": parts[1], "build": parts[2], "fn": filename,
            "url": spec_str}


def _version_spec(value, spec):
    try:
        return VersionSpec(value)
    except SpecError as exc:
        raise SpecError(spec, "invalid version %r: %s" % (value, exc.reason))


def _build_number_spec(value, spec):
    try:
        return BuildNumberSpec(value)
    except SpecError as exc:
        raise SpecError(spec, "invalid build_number %r: %s" % (value, exc.reason))


_MATCHERS = {
    "name": lambda v, s: _GlobMatch(v, s, lower_spec=True),
    "version": _version_spec,
    "build": _GlobMatch,
    "build_number": _build_number_spec,
    "channel": _ChannelMatch,
    "subdir": lambda v, s: _ExactMatch(v),  # no globs here, in conda either
    "md5": lambda v, s: _ExactMatch(v),
    "sha256": lambda v, s: _ExactMatch(v),
    "fn": lambda v, s: _ExactMatch(v),
    # conda install cannot take a url in brackets (ParseError, "Could not parse explicit URL"): an
    # installed record's own url is the only answer there is
    "url": lambda v, s: _ExactMatch(v),
    "license": lambda v, s: _GlobMatch(v, s, lower_spec=True, lower_record=True),
    "license_family": lambda v, s: _GlobMatch(v, s, lower_spec=True, lower_record=True),
}


class MatchSpec:
    """A parsed conda match spec; ``match(record)`` answers True, False or None."""

    def __init__(self, spec_str, fields):
        self.original = spec_str
        self.namespace = fields.pop("_namespace", None)
        self._fields = {}
        for key, value in fields.items():
            # other fields (url, features, ...) need conda's own normalisation or data
            factory = _MATCHERS.get(key, lambda v, s: _Undecidable(v))
            self._fields[key] = factory(value, spec_str)

    @classmethod
    def parse(cls, spec_str):
        if not isinstance(spec_str, str):
            raise SpecError(spec_str, "a spec must be a string")
        if not spec_str.strip():
            raise SpecError(spec_str, "empty spec")
        return _parsed(cls, spec_str)

    def _get(self, key):
        matcher = self._fields.get(key)
        return None if matcher is None else str(matcher)

    @property
    def name(self):
        """Lower-cased package name, or '*' for name globs."""
        matcher = self._fields["name"]
        return matcher.value if matcher.is_exact else "*"

    version = property(lambda self: self._fields.get("version"))
    build = property(lambda self: self._get("build"))
    build_number = property(lambda self: self._fields.get("build_number"))
    channel = property(lambda self: self._get("channel"))
    subdir = property(lambda self: self._get("subdir"))
    fields = property(lambda self: tuple(self._fields))

    def match(self, record):
        """Tri-state: True/False if certain, None if only conda can tell."""
        verdict = True
        for key, matcher in self._fields.items():
            if key == "when":
                continue  # conditions never apply to matching a record, in conda too
            value = record.get(key)
            if key == "subdir" and value is None and record.get("channel"):
                value = _Channel(str(record["channel"])).subdir
            result = matcher.match(value)
            if result is False:
                return False
            if result is None:
                verdict = None
        return verdict

    def __str__(self):
        """Canonical form, like ``str(conda.models.match_spec.MatchSpec(...))``."""
        out, brackets = [], []
        channel = self._fields.get("channel")
        if channel is not None and channel.is_exact:
            out.append(str(channel))
        elif channel is not None and not channel.matches_all:
            brackets.append("channel=%s" % channel)
        if "subdir" in self._fields:
            if channel is not None and channel.is_exact:
                out.append("/%s" % self._get("subdir"))
            else:
                brackets.append("subdir=%s" % self._get("subdir"))
        out.append(("::%s" if out else "%s") % self._fields["name"])
        version, build = self._get("version"), self.build
        version_exact = False
        if version:
            if any(c in version for c in "><$^|,"):
                brackets.append("version='%s'" % version)
            elif version[:2] in ("!=", "~=") and build:
                brackets.append("version='%s'" % version)
            elif version[:2] in ("!=", "~="):
                out.append(version)
            elif version.endswith(".*"):
                out.append("=" + version[:-2])
            elif version == "*":
                pass
            elif version.endswith("*"):
                out.append("=" + version[:-1])
            else:
                version_exact = True
                out.append(version if version.startswith("==") else "==" + version)
        if build:
            if any(c in build for c in "><$^|,") or "*" in build or not version_exact:
                quote = "'" if any(c in build for c in "><$^|,") else ""
                brackets.append("build=%s%s%s" % (quote, build, quote))
            else:
                out.append("=" + build)
        for key in FIELD_NAMES:
            if key in self._fields and key not in ("channel", "subdir", "name", "version",
                                                   "build"):
                if (key == "fn" and "url" in self._fields) or (key == "url" and channel):
                    continue
                value = str(self._fields[key])
                quote = "'" if any(c in value for c in ", =") else ""
                brackets.append("%s=%s%s%s" % (key, quote, value, quote))
        if brackets:
            out.append("[%s]" % ",".join(brackets))
        return "".join(out)

    def __repr__(self):
        return "MatchSpec(%r)" % str(self)


# The name at the start of a spec or of a record's ``depends`` entry, when the spec cannot be parsed.
_LEADING_NAME_RE = re.compile(r"[^\s=<>!~\[]+")


@functools.lru_cache(maxsize=4096)
def _parsed(cls, spec_str):
    # A fleet declares the same few specs in every env (20 envs of 10 specs: about 12 distinct strings),
    # and a MatchSpec is never changed once parsed: one parse each.
    return cls(spec_str, _parse_fields(spec_str))


def spec_name(spec_str):
    """The package name ``spec_str`` asks for (lower case, ``*`` for a glob), None when it names none.

    A spec conda cannot parse still names its package by its first word, as in a record's ``depends``.
    """
    try:
        return MatchSpec.parse(spec_str).name
    except SpecError:
        match = _LEADING_NAME_RE.match(str(spec_str).strip())
        return match.group(0).lower() if match else None
