# -*- coding: utf-8 -*-
# Copyright: macfleet.conda contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hide channel credentials (``https://user:pass@host``, ``/t/<token>/``) in anything we report.

conda echoes channel URLs in actions, errors and commands; a token in a result or a diff would end
up in logs and CI output, so every string leaving a module passes through ``mask``.

Private to this collection (not a public API), as the leading underscore says.
"""
from __future__ import annotations

import re

MASK = '********'
_USERINFO = re.compile(r'(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^/@\s]+)@')
_TOKEN = re.compile(r'(?P<lead>/t/)(?P<token>[^/\s]+)(?=/|\s|$)')
# Names of settings and config vars whose value is a credential even when it is no URL (a proxy or
# upload password, an API token): URL credentials are caught by mask_text, these by their name.
_SECRET_NAME = re.compile(r'(?i)(password|passwd|secret|token|api[_-]?key|credential|auth)')
_SETTING_LINE = re.compile(r'^(?P<lead>\s*(?:-\s+)?["\']?(?P<key>[A-Za-z_][\w.-]*)["\']?\s*:\s+)(?P<value>\S.*?)\s*$')


def mask_text(text):
    """``text`` with URL user-info and anaconda.org-style ``/t/<token>`` parts replaced by a mask."""
    if not isinstance(text, str):
        return text
    text = _USERINFO.sub(lambda m: m.group('scheme') + MASK + '@', text)
    return _TOKEN.sub(lambda m: m.group('lead') + MASK, text)


def secret_name(name):
    """Whether a setting or config var of this name holds a credential (``API_TOKEN``, ``proxy_password``)."""
    return bool(_SECRET_NAME.search(str(name)))


def mask_variable(name, value):
    """A config var's value as reported: masked whole when its name says it is a credential."""
    return MASK if secret_name(name) else mask_text(value)


def mask_settings(text):
    """A .condarc's text with URL credentials and the values of credential-named keys masked."""
    lines = []
    for line in mask_text(text).splitlines(True):
        match = _SETTING_LINE.match(line.rstrip('\r\n'))
        if match and secret_name(match.group('key')):
            line = match.group('lead') + MASK + line[len(line.rstrip('\r\n')):]
        lines.append(line)
    return ''.join(lines)


def without_userinfo(url):
    """``url`` without its ``user:password@`` (for a URL handed on while its credentials travel apart)."""
    return _USERINFO.sub(lambda m: m.group('scheme'), url or '')


def mask(value):
    """``value`` (str, list, tuple or dict, nested) with every string masked."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return dict((mask(key), mask(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return type(value)(mask(item) for item in value)
    return value


def secrets_in(urls):
    """The credential parts of ``urls``, for ``module.no_log_values`` so Ansible hides them too."""
    found = set()
    for url in urls or ():
        if not isinstance(url, str):
            continue
        for match in _USERINFO.finditer(url):
            userinfo = match.group('userinfo')
            found.add(userinfo)
            found.update(part for part in userinfo.split(':', 1)[1:] if part)
        found.update(match.group('token') for match in _TOKEN.finditer(url))
    return found
