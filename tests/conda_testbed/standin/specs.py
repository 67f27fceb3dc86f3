"""Match specs parsed the way conda 26 parses them, which is not quite how rattler does.

conda accepts ``numpy==>1`` (as ``>1``) and rejects ``numpy=1.19.2=foo=bar``; rattler does the
opposite, so specs are checked here first and handed to rattler in a form both agree on.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from .errors import InvalidSpec

NAME_RE = re.compile(r'^([^ =<>!~]+)(.*)$')
VALID_NAME_RE = re.compile(r'^[A-Za-z0-9_.\-*]+$')
OPERATOR_RE = re.compile(r'^(~=|==|!=|<=|>=|<|>|=)?(.*)$')
VERSION_BODY_RE = re.compile(r'^[0-9A-Za-z_.+!*]+$')


class Spec(NamedTuple):
    text: str          # as the user typed it (goes to history and to "added / updated specs")
    name: str
    channel: str | None
    rattler: str       # equivalent spec rattler parses identically


def _check_version(spec: str, version: str) -> str:
    terms = re.split(r'([,|])', version)
    out = []
    for term in terms:
        if term in (',', '|'):
            out.append(term)
            continue
        operator, body = OPERATOR_RE.match(term.strip()).groups()
        if operator == '==' and body[:1] in '<>':
            operator, body = OPERATOR_RE.match(body).groups()
        if body[:1] and body[:1] in '<>=!~':
            inner = f"Invalid version '{version}': invalid operator"
            raise InvalidSpec(spec, inner, 'InvalidVersionSpec', inner)
        if not VERSION_BODY_RE.match(body):
            inner = f"Invalid version '{version}': invalid character(s)"
            raise InvalidSpec(spec, inner, 'InvalidVersionSpec', inner)
        out.append((operator or '') + body)
    return ''.join(out)


def parse(text: str) -> Spec:
    spec = text.strip()
    channel = None
    rest = spec
    if '::' in rest:
        channel, rest = rest.rsplit('::', 1)
    brackets = ''
    bracket = re.match(r'^(.*?)(\[.*\])$', rest)
    if bracket:
        rest, brackets = bracket.groups()
    match = NAME_RE.match(rest)
    if not match:
        raise InvalidSpec(spec, 'missing package name', 'InvalidMatchSpec', 'missing package name')
    name, tail = match.groups()
    bad = sorted(set(ch for ch in name if not VALID_NAME_RE.match(ch)))
    if bad:
        reason = f"package name contains invalid characters ({''.join(bad)})"
        raise InvalidSpec(spec, reason, 'InvalidMatchSpec', f"Invalid spec '{spec}': {reason}")
    tail = tail.strip()
    if not tail:
        rattler = name
    elif tail.startswith('=') and not tail.startswith('=='):
        parts = tail[1:].split('=')
        version, build = '='.join(parts[:-1] if len(parts) > 2 else parts[:1]), (
            parts[-1] if len(parts) > 1 else None)
        version = _check_version(spec, version)
        if build:
            # conda reads ``name=1.2=build`` as exactly 1.2; rattler's strict parser wants it spelled out.
            exact = '==' if version[:1].isalnum() and not set('*|,') & set(version) else ''
            rattler = f'{name} {exact}{version} {build}'
        else:
            rattler = f'{name}={version}'
    else:
        pieces = tail.split(None, 1)
        version = _check_version(spec, pieces[0])
        rattler = f'{name} {version}' + (f' {pieces[1]}' if len(pieces) > 1 else '')
    rattler += brackets
    if channel:
        rattler = f'{channel}::{rattler}'
    return Spec(spec, name, channel, rattler)


def bare(name: str) -> Spec:
    return Spec(name, name, None, name)
