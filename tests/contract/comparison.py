"""Key-by-key comparison of a stand-in run with a recording; returns the differences found.

What may differ is listed here, explicitly: values that depend on the package bytes (hashes,
sizes), on the clock, or on the machine (info's platform details); orders conda derives from
unordered sets; and the free text of two solver errors rattler explains differently.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

# Values never compared, wherever the key appears: they depend on package bytes or the clock.
VOLATILE_KEYS = {'md5', 'sha256', 'size', 'created', 'last_modified', 'size_in_bytes',
                 'sha256_in_prefix'}
# Lists compared as multisets: conda fills them from sets (see 39's FETCH, 44's UNLINK).
UNORDERED_LISTS = {'FETCH', 'UNLINK'}


@dataclass
class Rules:
    """Per-recording exceptions to the strict comparison."""

    values: bool = True                 # False: compare keys (and their order) only
    ignore_values: set = field(default_factory=set)   # keys whose values are free text here
    unordered_lines: bool = False       # text output whose line order conda does not fix


def _is_json(text: str):
    try:
        return json.loads(text)
    except ValueError:
        return None


def compare_json(expected, actual, rules: Rules, path: str = '$') -> list:
    problems = []
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f'{path}: expected an object, got {type(actual).__name__}']
        if list(expected) != list(actual):
            missing = [k for k in expected if k not in actual]
            extra = [k for k in actual if k not in expected]
            if missing or extra:
                problems.append(f'{path}: missing keys {missing}, unexpected keys {extra}')
            else:
                problems.append(f'{path}: key order {list(actual)} != {list(expected)}')
        for key in expected:
            if key in actual:
                if key in VOLATILE_KEYS or key in rules.ignore_values:
                    continue
                problems += compare_json(expected[key], actual[key], rules, f'{path}.{key}')
        return problems
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [f'{path}: expected a list, got {type(actual).__name__}']
        if len(expected) != len(actual):
            return [f'{path}: {len(actual)} items, expected {len(expected)}']
        if path.rsplit('.', 1)[-1] in UNORDERED_LISTS:
            def key(item):
                return json.dumps(item, sort_keys=True) if not isinstance(item, dict) else \
                    str(item.get('dist_name') or item.get('fn'))
            expected, actual = sorted(expected, key=key), sorted(actual, key=key)
        for index, (exp, act) in enumerate(zip(expected, actual)):
            problems += compare_json(exp, act, rules, f'{path}[{index}]')
        return problems
    if rules.values and expected != actual:
        problems.append(f'{path}: {actual!r} != {expected!r}')
    return problems


# Text lines whose content depends on package sizes or notices caching.
VOLATILE_LINE = re.compile(r'^\s*(Retrieving notices|Total:)|\d+ (B|KB)\s+\S+$')


MD5_SUFFIX = re.compile(r'#[0-9a-f]{32}$')


def _key_lines(text: str) -> list:
    return [MD5_SUFFIX.sub('#<md5>', line.rstrip()) for line in text.splitlines()
            if line.strip() and not VOLATILE_LINE.search(line)]


def compare_text(expected: str, actual: str, rules: Rules, label: str) -> list:
    """Every key line of the recording must appear, in order (unless the rules say otherwise)."""
    wanted, got = _key_lines(expected), _key_lines(actual)
    if rules.unordered_lines:
        return [] if sorted(wanted) == sorted(got) else [f'{label}: lines {got} != {wanted}']
    position = 0
    for line in wanted:
        try:
            position = got.index(line, position) + 1
        except ValueError:
            return [f'{label}: missing line {line!r} (in order) in:\n{actual}']
    return []


def compare(recorded, exit_code: int, stdout: str, stderr: str, rewrite, rules: Rules = None) -> list:
    """All differences between a run and a recording (already parsed by recordings.parse)."""
    rules = rules or Rules()
    problems = []
    if exit_code != recorded.exit_code:
        problems.append(f'exit code {exit_code} != {recorded.exit_code}')
    expected_json = _is_json(recorded.stdout) if recorded.stdout.strip() else None
    actual_json = _is_json(stdout) if stdout.strip() else None
    if expected_json is not None:
        if actual_json is None:
            problems.append(f'stdout is not JSON: {stdout[:300]!r}')
        else:
            problems += compare_json(rewrite(expected_json), actual_json, rules)
    elif actual_json is not None:
        problems.append('stdout is JSON where the recording has none')
    elif not recorded.stdout.strip() and stdout.strip():
        problems.append(f'stdout should be empty, got {stdout[:300]!r}')
    else:
        problems += compare_text(rewrite(recorded.stdout), stdout, rules, 'stdout')
    if not recorded.stderr.strip():
        if stderr.strip():
            problems.append(f'stderr should be empty, got {stderr[:300]!r}')
    else:
        last = _key_lines(rewrite(recorded.stderr))[-1]
        if last not in _key_lines(stderr):
            problems.append(f'stderr lacks {last!r}: {stderr[-300:]!r}')
    return problems
