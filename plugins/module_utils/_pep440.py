# -*- coding: utf-8 -*-
# Copyright: contributors to macfleet.conda
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PEP 440 versions and version specifiers, as pip's ``packaging`` (26.x) has them.

Versions parse, normalise and order exactly like ``packaging.version.Version``; a specifier set
matches exactly like ``packaging.specifiers.SpecifierSet`` asked with ``prereleases=True``. The one
deliberate difference is the default of ``contains``: a prerelease matches only when the set itself
names one (packaging before 26.0, and pip's choice of candidates); ask with ``prereleases=True`` for
how pip judges an installed distribution. Module code runs with the host's stdlib only, hence
a copy rather than an import.

Private to this collection (not a public API), as the leading underscore says.
"""

from __future__ import annotations

import re

__all__ = ["InvalidVersion", "InvalidSpecifier", "Version", "parse_version", "SpecifierSet", "SPECIFIER_PATTERN"]


class InvalidVersion(ValueError):
    """A version string PEP 440 (and so pip) rejects."""


class InvalidSpecifier(ValueError):
    """A version specifier PEP 440 (and so pip) rejects."""


# --- Versions ----------------------------------------------------------------------------

# packaging's own pattern; it only adds possessive quantifiers where the interpreter has them,
# which speed up failures without changing what matches.
_VERSION_PATTERN = r"""
    v?
    (?a:
        (?:(?P<epoch>[0-9]+)!)?
        (?P<release>[0-9]+(?:\.[0-9]+)*)
        (?P<pre>
            [._-]?
            (?P<pre_l>alpha|a|beta|b|preview|pre|c|rc)
            [._-]?
            (?P<pre_n>[0-9]+)?
        )?
        (?P<post>
            (?:-(?P<post_n1>[0-9]+))
            |
            (?:
                [._-]?
                (?P<post_l>post|rev|r)
                [._-]?
                (?P<post_n2>[0-9]+)?
            )
        )?
        (?P<dev>
            [._-]?
            (?P<dev_l>dev)
            [._-]?
            (?P<dev_n>[0-9]+)?
        )?
    )
    (?a:\+
        (?P<local>
            [a-z0-9]+
            (?:[._-][a-z0-9]+)*
        )
    )?
"""
_VERSION_RE = re.compile(r"\s*" + _VERSION_PATTERN + r"\s*", re.VERBOSE | re.IGNORECASE)
_PRE_SPELLINGS = {"alpha": "a", "a": "a", "beta": "b", "b": "b", "c": "rc", "rc": "rc", "pre": "rc",
                  "preview": "rc"}
_PRE_RANK = {"a": 0, "b": 1, "rc": 2}
# Suffix ranks (see Version._key): a dev-only release sorts below every a/b/rc of its release,
# a release without a pre segment above them.
_DEV_ONLY_RANK = -1
_NO_PRE_RANK = 3
_LOCAL_SEPARATORS_RE = re.compile(r"[._-]")


class Version(object):
    """A PEP 440 version: normalised, hashable and ordered like ``packaging.version.Version``."""

    __slots__ = ("epoch", "release", "pre", "post", "dev", "local", "_key")

    def __init__(self, text):
        match = _VERSION_RE.fullmatch(text) if isinstance(text, str) else None
        if not match:
            raise InvalidVersion("Invalid version: %r" % (text,))
        try:
            self.epoch = int(match.group("epoch") or 0)
            self.release = tuple(int(part) for part in match.group("release").split("."))
            pre_n, post_n, dev_n = (match.group(g) for g in ("pre_n", "post_n1", "dev_n"))
            pre_l = match.group("pre_l")
            self.pre = (_PRE_SPELLINGS[pre_l.lower()], int(pre_n or 0)) if pre_l else None
            # '1.0-1' is an implicit post release; 'post', 'rev' and 'r' spell it out
            post = post_n or match.group("post_n2")
            self.post = int(post or 0) if match.group("post") else None
            self.dev = int(dev_n or 0) if match.group("dev") else None
        except ValueError:  # more digits than int() takes from a string
            raise InvalidVersion("Invalid version: %r" % (text,)) from None
        local = match.group("local")
        self.local = tuple(int(part) if part.isdigit() else part.lower()
                           for part in _LOCAL_SEPARATORS_RE.split(local)) if local else None
        self._key = _version_key(self.epoch, self.release, self.pre, self.post, self.dev, self.local)

    def __str__(self):
        return _render(self, self.release)

    def __repr__(self):
        return "Version(%r)" % str(self)

    @property
    def public(self):
        """The normalised version without its local segment."""
        return _render(self, self.release).split("+", 1)[0]

    @property
    def base_version(self):
        """Epoch and release only: what is left without pre, post, dev and local segments."""
        release = ".".join(str(part) for part in self.release)
        return "%d!%s" % (self.epoch, release) if self.epoch else release

    @property
    def is_prerelease(self):
        """True for an a/b/rc or dev release (what pip skips unless asked for prereleases)."""
        return self.pre is not None or self.dev is not None

    def __hash__(self):
        return hash(self._key)

    def __eq__(self, other):
        return self._key == other._key if isinstance(other, Version) else NotImplemented

    def __ne__(self, other):
        return self._key != other._key if isinstance(other, Version) else NotImplemented

    def __lt__(self, other):
        return self._key < other._key if isinstance(other, Version) else NotImplemented

    def __le__(self, other):
        return self._key <= other._key if isinstance(other, Version) else NotImplemented

    def __gt__(self, other):
        return self._key > other._key if isinstance(other, Version) else NotImplemented

    def __ge__(self, other):
        return self._key >= other._key if isinstance(other, Version) else NotImplemented


def parse_version(text):
    """The ``Version`` of ``text``; InvalidVersion where pip would refuse it."""
    return Version(text)


def _render(version, release):
    """The normalised text of ``version`` with ``release`` as its release segment."""
    text = ".".join(str(part) for part in release)
    if version.epoch:
        text = "%d!%s" % (version.epoch, text)
    if version.pre is not None:
        text += "%s%d" % version.pre
    if version.post is not None:
        text += ".post%d" % version.post
    if version.dev is not None:
        text += ".dev%d" % version.dev
    if version.local:
        text += "+" + ".".join(str(part) for part in version.local)
    return text


def _version_key(epoch, release, pre, post, dev, local):
    """packaging's comparison key: plain tuple comparison gives PEP 440's order.

    ``(epoch, release without trailing zeros, (pre rank, pre n, has post, post n, no dev, dev n))``
    plus, for a local version, its segments as ``(n, '')`` or ``(-1, word)`` so words sort below
    numbers; without a local segment the key is one item shorter and so sorts first.
    """
    end = len(release)
    while end and release[end - 1] == 0:
        end -= 1
    if pre is not None:
        pre_rank, pre_n = _PRE_RANK[pre[0]], pre[1]
    elif post is None and dev is not None:
        pre_rank, pre_n = _DEV_ONLY_RANK, 0
    else:
        pre_rank, pre_n = _NO_PRE_RANK, 0
    suffix = (pre_rank, pre_n, 0 if post is None else 1, post or 0, 1 if dev is None else 0, dev or 0)
    key = (epoch, release[:end], suffix)
    if local is None:
        return key
    return key + (tuple((part, "") if isinstance(part, int) else (-1, part) for part in local),)


def _key_with(version, **parts):
    """The key of ``version`` with some segments replaced (and its local segment dropped)."""
    fields = dict(epoch=version.epoch, release=version.release, pre=version.pre, post=version.post,
                  dev=version.dev, local=None)
    fields.update(parts)
    return _version_key(**fields)


# --- Specifiers --------------------------------------------------------------------------

_PRE_PART = r"(?a:[-_\.]?(?:alpha|beta|preview|pre|a|b|c|rc)[-_\.]?[0-9]*)?"
_POST_PART = r"(?a:(?:-[0-9]+)|(?:[-_\.]?(?:post|rev|r)[-_\.]?[0-9]*))?"
_DEV_PART = r"(?a:[-_\.]?dev[-_\.]?[0-9]*)?"
# packaging's specifier pattern: which operators take a wildcard, a local segment, or a single
# release number is part of the syntax (so '>=1.0.*', '<1.0+local' and '~=1' are invalid).
SPECIFIER_PATTERN = r"""
    (?:
        (?:===\s*[^\s;)]+)
        |
        (?:(?:==|!=)\s*v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*
            (?:\.\*|%(pre)s%(post)s%(dev)s(?a:\+[a-z0-9]+(?:[-_\.][a-z0-9]+)*)?)?)
        |
        (?:~=\s*v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)+%(pre)s%(post)s%(dev)s)
        |
        (?:(?:<=|>=|<|>)\s*v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*%(pre)s%(post)s%(dev)s)
    )
""" % dict(pre=_PRE_PART, post=_POST_PART, dev=_DEV_PART)
_SPECIFIER_RE = re.compile(r"\s*" + SPECIFIER_PATTERN + r"\s*", re.VERBOSE | re.IGNORECASE)
_OPERATORS = ("===", "~=", "==", "!=", "<=", ">=", "<", ">")
# Above every post number: the key '>V' starts after, past all of V's post releases.
_AFTER_ALL_POSTS = float("inf")


class _Specifier(object):
    """One ``<operator><version>`` clause, matched as packaging's version ranges match it."""

    __slots__ = ("operator", "version", "parsed", "wildcard")

    def __init__(self, text):
        if not _SPECIFIER_RE.fullmatch(text):
            raise InvalidSpecifier("Invalid specifier: %r" % text)
        text = text.strip()
        self.operator = next(op for op in _OPERATORS if text.startswith(op))
        self.version = text[len(self.operator):].strip()
        self.wildcard = self.version.endswith(".*")
        if self.operator == "===":
            self.parsed = _parse_or_none(self.version)
        else:
            self.parsed = Version(self.version[:-2] if self.wildcard else self.version)

    def __str__(self):
        return self.operator + self.version

    def canonical(self):
        """What tells two clauses apart: '==1.0' and '==1.0.0' are the same clause."""
        if self.operator == "===" or self.wildcard:
            return self.operator, self.version
        if self.operator == "~=":  # the release length is its meaning here: '~=1.0' is not '~=1.0.0'
            return self.operator, str(self.parsed)
        release = self.parsed.release
        end = len(release)
        while end > 1 and release[end - 1] == 0:
            end -= 1
        return self.operator, _render(self.parsed, release[:end])

    def names_prerelease(self):
        """Whether this clause lets prereleases match by default (packaging's ``prereleases``)."""
        # ('==1.0.*' never does: a wildcard's version has no pre or dev segment)
        return self.operator != "!=" and self.parsed is not None and self.parsed.is_prerelease

    def matches(self, version, text):
        """Whether ``version`` (None if ``text`` is no PEP 440 version) lies in this clause's range.

        ``===`` compares ``text`` itself, as given: ``v1.0`` is not ``===1.0``.
        """
        op = self.operator
        if op == "===":
            return str(text).lower() == self.version.lower()
        if version is None:
            return False
        spec, key = self.parsed, version._key
        if self.wildcard:
            # '==1.2.*' is [1.2.dev0, 1.3.dev0): every release, pre, post and local of 1.2
            lower = _version_key(spec.epoch, spec.release, None, None, 0, None)
            upper = _version_key(spec.epoch, spec.release[:-1] + (spec.release[-1] + 1,), None, None, 0, None)
            inside = lower <= key < upper
            return inside if op == "==" else not inside
        if op in ("==", "!="):
            # without a local segment of its own, '==1.4' matches every local version of 1.4
            equal = key == spec._key if spec.local is not None else key[:3] == spec._key
            return equal if op == "==" else not equal
        if op == ">=":
            return key >= spec._key
        if op == "<=":
            return key[:3] <= spec._key
        if op == "~=":
            prefix = spec.release[:-1]
            upper = _version_key(spec.epoch, prefix[:-1] + (prefix[-1] + 1,), None, None, 0, None)
            return spec._key <= key < upper
        if op == "<":
            # '<V' excludes V's own prereleases unless V is one: V.dev0 is the earliest of them
            return key < (spec._key if spec.is_prerelease else _key_with(spec, dev=0))
        # '>V' excludes V's post releases (and locals) unless V is itself a post or dev release
        if spec.dev is not None:
            return key >= _key_with(spec, dev=spec.dev + 1)
        if spec.post is not None:
            return key >= _key_with(spec, post=spec.post + 1, dev=0)
        boundary = spec._key[2][:2] + (1, _AFTER_ALL_POSTS, 1, 0)
        return key > spec._key[:2] + (boundary, ((_AFTER_ALL_POSTS, ""),))


def _parse_or_none(text):
    try:
        return Version(text)
    except InvalidVersion:
        return None


class SpecifierSet(object):
    """Comma-separated version clauses, all of which a version must match (PEP 440)."""

    __slots__ = ("_specs",)

    def __init__(self, text=""):
        if not isinstance(text, str):
            raise InvalidSpecifier("Invalid specifier: %r" % (text,))
        specs = []
        for item in text.split(","):
            if item.strip():
                try:
                    specs.append(_Specifier(item))
                except InvalidSpecifier:
                    raise InvalidSpecifier("Invalid specifier %r in %r" % (item.strip(), text)) from None
        self._specs = tuple(specs)

    def __str__(self):
        seen, out = set(), []
        for spec in sorted(self._specs, key=str):
            if spec.canonical() not in seen:
                seen.add(spec.canonical())
                out.append(str(spec))
        return ",".join(out)

    def __repr__(self):
        return "SpecifierSet(%r)" % str(self)

    def __len__(self):
        return len(self._specs)

    def contains(self, version, prereleases=None):
        """Whether ``version`` (text or ``Version``) matches every clause.

        ``prereleases=None`` lets a prerelease match only when a clause names one (``>=2.0b1``);
        pip judges an installed distribution with ``prereleases=True``. Text that is no PEP 440
        version matches only ``===`` clauses.
        """
        if isinstance(version, Version):
            parsed, text = version, str(version)
        else:
            parsed, text = _parse_or_none(version), version
        if parsed is not None and parsed.is_prerelease:
            allowed = any(spec.names_prerelease() for spec in self._specs) if prereleases is None else prereleases
            if not allowed:
                return False
        return all(spec.matches(parsed, text) for spec in self._specs)
