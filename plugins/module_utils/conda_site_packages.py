# -*- coding: utf-8 -*-
# Copyright: macfleet.conda contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Find the Python packages in a prefix that pip (not conda) installed, as conda's ``pypi`` loader does.

conda tells them apart by their "anchor" files (``*.dist-info/RECORD``, ``*.egg-info/PKG-INFO``,
a ``*.egg-info`` file): an anchor that no ``conda-meta`` record lists belongs to pip.
Kept apart from the modules so it can move into ``conda_prefix`` (the prefix reader) unchanged.
"""
from __future__ import annotations

import os
import re

_ANCHOR_ENDINGS = ('.dist-info/RECORD', '.egg-info/PKG-INFO', '.egg-info')
_HEADER = re.compile(r'^(?P<key>[A-Za-z][\w-]*):\s*(?P<value>.*?)\s*$')


def normalized_name(name):
    """The name conda reports for a pip package (``Foo_Bar.baz`` -> ``foo-bar-baz``)."""
    return name.replace('.', '-').replace('_', '-').lower()


def site_packages_path(python_record):
    """``lib/pythonX.Y/site-packages`` (relative to the prefix) of the env's python record."""
    recorded = python_record.get('python_site_packages_path')
    if recorded:
        return recorded
    major_minor = '.'.join(str(python_record.get('version', '')).split('.')[:2])
    return 'lib/python%s/site-packages' % major_minor


def _site_anchors(prefix, site):
    anchors = set()
    try:
        entries = os.listdir(os.path.join(prefix, site))
    except OSError:
        return anchors
    for entry in entries:
        path = os.path.join(prefix, site, entry)
        if entry.endswith('.dist-info') and os.path.isfile(os.path.join(path, 'RECORD')):
            anchors.add('%s/%s/RECORD' % (site, entry))
        elif entry.endswith('.egg-info'):
            if os.path.isfile(os.path.join(path, 'PKG-INFO')):
                anchors.add('%s/%s/PKG-INFO' % (site, entry))
            elif os.path.isfile(path):
                anchors.add('%s/%s' % (site, entry))
    return anchors


def _metadata(prefix, anchor):
    folder = os.path.dirname(anchor)
    candidates = [os.path.join(folder, 'METADATA')] if folder.endswith('.dist-info') else [anchor]
    for candidate in candidates:
        try:
            with open(os.path.join(prefix, candidate), 'rb') as stream:
                text = stream.read().decode('utf-8', 'replace')
        except OSError:
            continue
        headers = {}
        for line in text.splitlines():
            if not line.strip():
                break
            match = _HEADER.match(line)
            if match and match.group('key').lower() not in headers:
                headers[match.group('key').lower()] = match.group('value')
        if headers.get('name') and headers.get('version'):
            return headers['name'], headers['version']
    return None


def pip_packages(prefix, records):
    """``[(name, version)]`` of the packages pip installed in ``prefix``, sorted by name.

    ``records`` are the prefix's conda records; an env without python has no pip packages.
    """
    python = [record for record in records if record.get('name') == 'python']
    if not python:
        return []
    site = site_packages_path(python[0]).strip('/')
    conda_files = set()
    for record in records:
        conda_files.update(path for path in record.get('files') or () if path.endswith(_ANCHOR_ENDINGS))
    found = {}
    for anchor in sorted(_site_anchors(prefix, site) - conda_files):
        metadata = _metadata(prefix, anchor)
        if metadata:
            found[normalized_name(metadata[0])] = metadata[1]
    return sorted(found.items())
