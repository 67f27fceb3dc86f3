# -*- coding: utf-8 -*-
# Copyright: macfleet.conda contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Decisions made from an env's records alone: which specs need conda, what prune removes.

Private to this collection (not a public API), as the leading underscore says.
"""
from __future__ import annotations

from ansible_collections.macfleet.conda.plugins.module_utils._conda_spec import MatchSpec, spec_name

# Never pruned from the root env: conda itself (and what it needs) lives there.
ROOT_ESSENTIALS = ('conda', 'mamba')


def parse_specs(spec_strings):
    """MatchSpecs for ``spec_strings``; SpecError names the first invalid one."""
    return [MatchSpec.parse(text) for text in spec_strings]


def verdict(spec, records):
    """True if an installed record satisfies ``spec``, False if none can, None if only conda can tell."""
    answers = [spec.match(rec) for rec in records]
    if True in answers:
        return True
    return None if None in answers else False


def split_by_verdict(specs, records):
    """``(unsatisfied, undecided)`` specs against the installed ``records``.

    A bare spec (``numpy``) with any numpy installed is satisfied: handing it to ``conda install``
    would upgrade numpy (recording 09), which is ``state: latest``'s job, not ``present``'s.
    """
    unsatisfied, undecided = [], []
    for spec in specs:
        answer = verdict(spec, records)
        if answer is False:
            unsatisfied.append(spec)
        elif answer is None:
            undecided.append(spec)
    return unsatisfied, undecided


def installed_matches(specs, records):
    """Names of installed packages matched by ``specs`` (``state: absent``); None when undecidable."""
    names = []
    for spec in specs:
        for rec in records:
            answer = spec.match(rec)
            if answer is None:
                return None
            if answer and rec['name'] not in names:
                names.append(rec['name'])
    return names


def prune_extras(records, specs, keep_names=()):
    """Names of installed packages that no spec needs, directly or as a dependency of a needed one.

    Whatever depends on an extra is itself an extra (a needed package's dependencies are needed),
    so removing them all never takes a needed package along and needs no ``--force``.
    A needed record whose ``depends`` are unknown (None, a predicted one) may need anything: then
    nothing is pruned rather than something needed.
    """
    by_name = dict((rec['name'], rec) for rec in records)
    wanted = [rec['name'] for rec in records if any(spec.match(rec) is not False for spec in specs)]
    wanted += [name for name in keep_names if name in by_name]
    needed = set()
    while wanted:
        name = wanted.pop()
        if name in needed or name not in by_name:
            continue
        needed.add(name)
        if by_name[name].get('depends') is None and 'depends' in by_name[name]:
            return []
        wanted.extend(spec_name(dep) for dep in by_name[name].get('depends') or ())
    return sorted(name for name in by_name if name not in needed)
