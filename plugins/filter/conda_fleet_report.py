# -*- coding: utf-8 -*-
# Copyright: macfleet.conda contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet view of conda: every host's ``conda_info`` result shaped into a grid of hosts by envs, the
differences from a reference host, and that report written out as JSON, Markdown and one HTML page.

Why a filter and not an action plugin or templates: the report is a pure function of the hosts' results
(data in, text out), so it is unit tested from fixture dicts with no host and no Ansible run, and the
playbook writes its output with ``ansible.builtin.copy``, which already gives ``changed`` only when a file's
content changes, check mode and diff mode. An action plugin would need a module stub for its docs and would
redo what ``copy`` does; Jinja templates have no autoescape under Ansible, so every host, env and spec would
need ``| e`` by hand, and one forgotten escape is an injection. Here all HTML text goes through one
``_html()`` and all Markdown text through one ``_md()``.

Stable output: the files hold no time of their own (a rerun over an unchanged fleet writes nothing, and the
file's modification time says when the fleet last changed); hosts are ordered by name, envs declared anywhere
first, then the others, each by name; JSON keys are sorted.
"""
from __future__ import annotations

DOCUMENTATION = r'''
name: conda_fleet_report
short_description: A fleet view of conda from every host's conda_info result, as data, JSON, Markdown or HTML
version_added: 0.2.0
author: macfleet.conda maintainers
description:
  - Shapes the results of M(macfleet.conda.conda_info) (run with C(declared), the hosts' C(miniconda_environments))
    into a grid of hosts by envs, and, given a reference host, the hosts whose envs hold other packages than the
    reference's.
  - "Each cell of the grid has a state: V(converged), V(drifting) (with the unsatisfied specs, and what C(prune)
    would remove), V(undecided) (only conda or pip can tell), V(missing) (declared, not there), V(absent) (declared
    absent, not there), V(unmanaged) (there, not declared on that host), V(error) (records conda cannot read),
    V(none) (neither declared nor there) and V(unknown) (the host has no result)."
  - An env is compared with the reference's by its conda packages (C(name=version=build)), its pip packages
    (C(name==version)) and its config vars. Config vars masked by conda_info (a credential's value) compare
    as their mask.
  - Every text is masked again (URL credentials, anaconda.org C(/t/<token>)) and only the fields it shows are read
    from the results, so nothing else in a result (its C(invocation)) reaches the output.
  - The output holds no time and is ordered by name, so the same results give the same text.
options:
  _input:
    description:
      - The results keyed by inventory host name, each a registered M(macfleet.conda.conda_info) result.
      - A result without C(envs) is a host whose run failed (its C(msg) is shown); an empty one or one with
        C(unreachable) is a host that has no data.
    type: dict
    required: true
  reference:
    description: The host the others are compared with. Empty means no comparison.
    type: str
    default: ""
  output:
    description:
      - V(data) is the report as a mapping (what the JSON file holds), V(json) its text, V(markdown) the grid and
        the differences as Markdown tables, V(html) one self-contained page (inline CSS, no script, no external
        asset).
    type: str
    default: data
    choices: [data, json, markdown, html]
'''

EXAMPLES = r'''
- name: Write the fleet view as one HTML page on the controller
  ansible.builtin.copy:
    content: "{{ results | macfleet.conda.conda_fleet_report(reference='mac-ref-01', output='html') }}"
    dest: /srv/reports/conda-fleet.html
    mode: "0644"
  vars:
    # every host's registered conda_info result, keyed by host name
    results: "{{ dict(groups.macos_builders | zip(groups.macos_builders | map('extract', hostvars, 'conda'))) }}"
  delegate_to: localhost
  run_once: true

- name: Fail when any env of the fleet drifts
  ansible.builtin.assert:
    that: (results | macfleet.conda.conda_fleet_report).totals.drifting == 0
'''

RETURN = r'''
_value:
  description:
    - With O(output=data), the report; otherwise its text (JSON, Markdown or HTML), ending with a newline.
  type: raw
  contains:
    reference:
      description: The reference host, or null.
      type: str
    envs:
      description: The grid's columns, the envs declared on any host first, then the others.
      type: list
      elements: str
    totals:
      description: How many cells of the grid are in each state (every state is there, 0 included), and C(hosts).
      type: dict
    hosts:
      description:
        - One per host, by name, with C(name), C(status) (V(ok), V(failed) or V(no data)), C(message), C(conda_version),
          C(platform), C(root_prefix), C(differs_from_reference) (the env names) and C(envs).
        - C(envs) has every column, each with C(state), C(declared), C(unsatisfied), C(undecided), C(extraneous),
          C(error), C(packages) and C(pip_packages) (counts) and C(last_modified).
      type: list
      elements: dict
    differences:
      description:
        - Per env, against the reference (empty without one) C(same) (the hosts that hold what the reference holds)
          and C(differ), each with C(host), C(reason) (V(packages), V(missing on the host), V(not on the reference),
          V(unreadable) or V(no data)), C(changed) (C(name reference -> host)), C(only_reference) and C(only_host).
        - A host's C(differs_from_reference) lists the envs it differs by packages, or has alone, or lacks.
      type: dict
'''

import json
import re
from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.macfleet.conda.plugins.module_utils._conda_mask import mask

OUTPUTS = ('data', 'json', 'markdown', 'html')
# Every state a cell can be in, in the order the legend and the totals list them, with its label and a sign,
# so that the state never rests on colour alone.
STATES = {
    'converged': ('converged', '\u2713'),
    'drifting': ('drifting', '\u2260'),
    'undecided': ('undecided', '?'),
    'missing': ('missing', '\u2717'),
    'absent': ('absent, as declared', '\u2713'),
    'unmanaged': ('not declared', '\u00b7'),
    'error': ('unreadable', '!'),
    'none': ('not there', '\u2014'),
    'unknown': ('no data', '\u2026'),
}
STATE_HELP = {
    'converged': 'holds what the inventory declares (conda_env would run no conda and no pip)',
    'drifting': 'declared, there, and something declared is not met (listed)',
    'undecided': 'only conda or pip can tell whether it is converged (listed)',
    'missing': 'declared, not there',
    'absent': 'declared absent, not there',
    'unmanaged': 'there, not declared on this host',
    'error': 'its records cannot be read (conda fails on them too)',
    'none': 'neither declared nor there',
    'unknown': 'the host gave no result',
}
# Why a host is listed as differing from the reference for an env.
PACKAGES = 'packages'
MISSING_ON_HOST = 'missing on the host'
NOT_ON_REFERENCE = 'not on the reference'
NO_DATA = 'no data'
UNREADABLE = 'unreadable'
# The reasons that make a grid cell say it differs (no data and unreadable records already show in the cell).
CELL_REASONS = (PACKAGES, MISSING_ON_HOST, NOT_ON_REFERENCE)


def _natural(text):
    """Sort key that puts mac2 before mac10."""
    return [(0, int(part), '') if part.isdigit() else (1, 0, part) for part in re.split(r'(\d+)', str(text)) if part]


def _count(number, noun):
    """'1 host', '3 hosts'."""
    return '%d %s%s' % (number, noun, '' if number == 1 else 's')


def _strings(value):
    return [str(item) for item in value] if isinstance(value, (list, tuple)) else []


# -- shaping: results to the report ---------------------------------------------------------------------------

def _host_status(result):
    """(status, message) of a host's registered result."""
    if not isinstance(result, Mapping) or not result or result.get('unreachable'):
        message = result.get('msg') if isinstance(result, Mapping) else ''
        return 'no data', str(message or 'the host gave no conda_info result (unreachable, or it failed before)')
    if not isinstance(result.get('envs'), Mapping):
        return 'failed', str(result.get('msg') or 'conda_info returned no envs')
    return 'ok', ''


def cell_state(env):
    """The grid state of one env as conda_info reports it (None: the host has no such env and declares none)."""
    if env is None:
        return 'none'
    if env.get('error'):
        return 'error'
    exists = env.get('exists', True)
    if 'converged' not in env:
        return 'unmanaged' if exists else 'none'
    if env['converged']:
        return 'absent' if env.get('declared_state') == 'absent' else 'converged'
    if not exists:
        return 'missing'
    if not env.get('unsatisfied') and not env.get('extraneous') and env.get('undecided'):
        return 'undecided'
    return 'drifting'


def _cell(env):
    env = env if isinstance(env, Mapping) else None
    known = env or {}
    return {
        'state': cell_state(env),
        'declared': 'converged' in known,
        'unsatisfied': _strings(known.get('unsatisfied')),
        'undecided': _strings(known.get('undecided')),
        'extraneous': _strings(known.get('extraneous')),
        'error': str(known.get('error') or ''),
        'packages': len(known.get('packages') or []),
        'pip_packages': len(known.get('pip_packages') or []),
        'last_modified': known.get('last_modified'),
    }


def _columns(results):
    """The envs declared on any host, then the others there (base only when declared: every root has it), each
    group by name, base first and envs known only by their folder last."""
    declared, other = set(), set()
    for result in results.values():
        for name, env in ((result or {}).get('envs') or {}).items():
            if isinstance(env, Mapping) and 'converged' in env:
                declared.add(name)
            elif isinstance(env, Mapping) and env.get('exists', True) and name != 'base':
                other.add(name)

    def key(name):
        return (name != 'base', '/' in name, _natural(name))

    return sorted(declared, key=key) + sorted(other - declared, key=key)


def _package_sets(env):
    """What an env is compared by: {label: {name: shown}} for conda packages, pip packages and config vars."""
    conda = dict((str(pkg.get('name')), '%s=%s' % (pkg.get('version'), pkg.get('build')))
                 for pkg in env.get('packages') or [] if isinstance(pkg, Mapping))
    pip = dict((str(pkg.get('name')), '%s' % pkg.get('version'))
               for pkg in env.get('pip_packages') or [] if isinstance(pkg, Mapping))
    variables = dict((str(name), str(value)) for name, value in (env.get('variables') or {}).items())
    return (('', '=', conda), (' (pypi)', '==', pip), (' (env var)', '=', variables))


def env_difference(reference_env, host_env):
    """What differs between two envs that exist: (changed, only_reference, only_host), lists of text."""
    changed, only_reference, only_host = [], [], []
    for (suffix, sep, ours), (_suffix, _sep, theirs) in zip(_package_sets(reference_env), _package_sets(host_env)):
        for name in sorted(set(ours) | set(theirs), key=_natural):
            if name not in theirs:
                only_reference.append('%s%s%s%s' % (name, sep, ours[name], suffix))
            elif name not in ours:
                only_host.append('%s%s%s%s' % (name, sep, theirs[name], suffix))
            elif ours[name] != theirs[name]:
                changed.append('%s %s -> %s%s' % (name, ours[name], theirs[name], suffix))
    return changed, only_reference, only_host


def _exists(env):
    return isinstance(env, Mapping) and env.get('exists', True) and not env.get('error')


def _unreadable(env):
    return isinstance(env, Mapping) and bool(env.get('error'))


def _differences(results, names, envs, reference):
    differences = {}
    base = results.get(reference) or {}
    for env_name in envs:
        same, differ = [], []
        ours = (base.get('envs') or {}).get(env_name)
        for host in names:
            if host == reference:
                continue
            theirs = ((results.get(host) or {}).get('envs') or {}).get(env_name)
            entry = {'host': host, 'reason': '', 'changed': [], 'only_reference': [], 'only_host': []}
            if _host_status(results.get(host))[0] != 'ok' or _host_status(base)[0] != 'ok':
                entry['reason'] = NO_DATA
            elif _unreadable(ours) or _unreadable(theirs):
                entry['reason'] = UNREADABLE
            elif _exists(ours) and _exists(theirs):
                entry['changed'], entry['only_reference'], entry['only_host'] = env_difference(ours, theirs)
                if not (entry['changed'] or entry['only_reference'] or entry['only_host']):
                    same.append(host)
                    continue
                entry['reason'] = PACKAGES
            elif _exists(ours):
                entry['reason'] = MISSING_ON_HOST
            elif _exists(theirs):
                entry['reason'] = NOT_ON_REFERENCE
            else:
                continue  # on neither: nothing to compare
            differ.append(entry)
        differences[env_name] = {'same': same, 'differ': differ}
    return differences


def fleet_report(results, reference=''):
    """The report as data (what conda-fleet.json holds), masked."""
    if not isinstance(results, Mapping):
        raise AnsibleFilterError('conda_fleet_report expects the conda_info results keyed by host name, got %s.'
                                 % type(results).__name__)
    results = dict((str(host), result) for host, result in results.items())
    names = sorted(results, key=_natural)
    if reference and reference not in results:
        raise AnsibleFilterError('The reference host %r is not one of the hosts reported (%s).'
                                 % (reference, ', '.join(names) or 'none'))
    envs = _columns(results)
    differences = _differences(results, names, envs, reference) if reference else {}
    differing = {}
    for env_name, found in differences.items():
        for entry in found['differ']:
            if entry['reason'] in CELL_REASONS:
                differing.setdefault(entry['host'], []).append(env_name)
    totals = dict((state, 0) for state in STATES)
    hosts = []
    for name in names:
        result = results[name]
        status, message = _host_status(result)
        found = result.get('envs') if status == 'ok' else {}
        cells = dict((env_name, _cell(found.get(env_name))) for env_name in envs)
        if status != 'ok':
            for cell in cells.values():
                cell['state'] = 'unknown'
        for cell in cells.values():
            totals[cell['state']] += 1
        hosts.append({
            'name': name, 'status': status, 'message': message,
            'conda_version': result.get('conda_version') if status == 'ok' else None,
            'platform': result.get('platform') if status == 'ok' else None,
            'root_prefix': result.get('root_prefix') if status == 'ok' else None,
            'differs_from_reference': differing.get(name, []),
            'envs': cells,
        })
    totals['hosts'] = len(hosts)
    return mask({'reference': reference or None, 'envs': envs, 'totals': totals, 'hosts': hosts,
                 'differences': differences})


# -- JSON ---------------------------------------------------------------------------------------------------

def render_json(report):
    return json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False) + '\n'


# -- Markdown -----------------------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r'([\\`*_\[\]<>|#])')


def _md(text):
    """Text for a Markdown table cell: special characters escaped, & as an entity, on one line."""
    text = ' '.join(str(text).split()).replace('&', '&amp;')
    return _MD_SPECIAL.sub(r'\\\1', text)


def _md_code(text):
    """A spec as inline code: backticks cannot be escaped inside code, so the fence outgrows them; the
    pipe is escaped (GitHub's tables split on it even inside code)."""
    text = ' '.join(str(text).split()).replace('|', '\\|')
    fence = '`' * (max([len(run) for run in re.findall('`+', text)] or [0]) + 1)
    pad = ' ' if text.startswith('`') or text.endswith('`') else ''
    return '%s%s%s%s%s' % (fence, pad, text, pad, fence)


def _md_codes(items):
    return ', '.join(_md_code(item) for item in items)


def _cell_details(cell):
    """The lists a cell shows, with what they are, in the order they matter."""
    details = []
    if cell['state'] in ('drifting', 'missing', 'undecided'):
        details.append(('unsatisfied', cell['unsatisfied']))
        details.append(('undecided', cell['undecided']))
        details.append(('would remove', cell['extraneous']))
    if cell['error']:
        details.append(('error', [cell['error']]))
    return [(what, items) for what, items in details if items]


def _md_cell(cell, differs):
    label, sign = STATES[cell['state']]
    text = '%s %s' % (sign, _md(label))
    for what, items in _cell_details(cell):
        text += '; %s: %s' % (_md(what), _md_codes(items))
    if differs:
        text += ' (differs from the reference)'
    return text


def render_markdown(report):
    lines = ['# conda fleet report', '']
    reference = report['reference']
    about_reference = '; reference host: %s' % _md(reference) if reference else ''
    counts = '%s, %s' % (_count(report['totals']['hosts'], 'host'), _count(len(report['envs']), 'env'))
    lines.append(counts + about_reference + '.')
    lines.append('')
    lines.append(', '.join('%s %s: %d' % (STATES[state][1], _md(STATES[state][0]), report['totals'][state])
                           for state in STATES if report['totals'][state]) or 'No envs.')
    lines += ['', '## Hosts by envs', '']
    header = ['host', 'conda', 'platform'] + [_md(env) for env in report['envs']]
    lines.append('| ' + ' | '.join(header) + ' |')
    lines.append('|' + '---|' * len(header))
    for host in report['hosts']:
        row = [_md(host['name']) + (' (reference)' if host['name'] == reference else ''),
               _md(host['conda_version'] or ''), _md(host['platform'] or '')]
        row += [_md_cell(host['envs'][env], env in host['differs_from_reference']) for env in report['envs']]
        lines.append('| ' + ' | '.join(row) + ' |')
    troubled = [host for host in report['hosts'] if host['status'] != 'ok']
    if troubled:
        lines += ['', '## Hosts without data', '']
        lines += ['- %s: %s: %s' % (_md(host['name']), _md(host['status']), _md(host['message'])) for host in troubled]
    lines += ['', '## Differences from the reference host', '']
    if not reference:
        lines.append('No reference host was chosen (conda_report\\_reference).')
    for env, found in report['differences'].items():
        lines += ['### %s' % _md(env), '']
        if found['same']:
            lines.append('Same as %s: %s.' % (_md(reference), ', '.join(_md(host) for host in found['same'])))
            lines.append('')
        if found['differ']:
            lines += ['| host | differs by | reference -> host | only on the reference | only on the host |',
                      '|---|---|---|---|---|']
            for entry in found['differ']:
                lines.append('| %s | %s | %s | %s | %s |' % (
                    _md(entry['host']), _md(entry['reason']), _md_codes(entry['changed']),
                    _md_codes(entry['only_reference']), _md_codes(entry['only_host'])))
            lines.append('')
        if not found['same'] and not found['differ']:
            lines += ['No other host to compare.', '']
    lines += ['', '## States', '']
    lines += ['- %s %s: %s' % (STATES[state][1], _md(STATES[state][0]), _md(STATE_HELP[state])) for state in STATES]
    return '\n'.join(line for line in _squeeze(lines)) + '\n'


def _squeeze(lines):
    """The lines without runs of blank lines, and none at the end."""
    kept = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    return kept


# -- HTML ---------------------------------------------------------------------------------------------------

# Inline, so the page is one file that opens anywhere (a CI artifact, a mail attachment) with no request.
STYLE = '''
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --head: #f6f8fa;
  --converged: #dafbe1; --converged-fg: #116329; --drifting: #fff1c2; --drifting-fg: #7d4e00;
  --undecided: #eee6ff; --undecided-fg: #5a32a3; --missing: #ffe1e0; --missing-fg: #a40e26;
  --error: #ffd7d5; --error-fg: #82071e; --quiet: #f6f8fa; --quiet-fg: #59636e; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --head: #151b23;
  --converged: #12361d; --converged-fg: #7ee787; --drifting: #3a2b05; --drifting-fg: #e3b341;
  --undecided: #2a1f47; --undecided-fg: #c8b3ff; --missing: #4a1414; --missing-fg: #ff9492;
  --error: #5a1010; --error-fg: #ffb1ae; --quiet: #151b23; --quiet-fg: #9198a1; } }
body { font: 14px/1.45 -apple-system, BlinkMacSystemFont, "Segoe UI", "Helvetica Neue", "DejaVu Sans", sans-serif;
  color: var(--fg); margin: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; } h3 { font-size: 15px; }
p.summary { color: var(--muted); margin: 0 0 12px; }
ul.totals { list-style: none; padding: 0; margin: 0 0 8px; display: flex; flex-wrap: wrap; gap: 8px; }
ul.totals li { padding: 2px 10px; border-radius: 12px; }
table { border-collapse: collapse; }
th, td { border: 1px solid var(--line); padding: 6px 10px; text-align: left; vertical-align: top; }
thead th { background: var(--head); position: sticky; top: 0; }
th[scope=row] { white-space: nowrap; }
td.meta { color: var(--muted); white-space: nowrap; }
code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, "DejaVu Sans Mono", monospace; }
.state { font-weight: 600; white-space: nowrap; }
.cell ul, .differ ul { margin: 4px 0 0; padding-left: 16px; }
.cell .what { color: inherit; opacity: .8; }
.tag { display: inline-block; font-size: 11px; padding: 0 6px; border-radius: 8px; border: 1px solid currentColor;
  margin-left: 6px; font-weight: 400; white-space: nowrap; }
td.cell { min-width: 12em; }
td.cell .tag { display: block; width: max-content; margin: 2px 0 0; }
th .message { white-space: normal; max-width: 26em; font-size: 12px; font-weight: 400; }
.converged, .absent { background: var(--converged); color: var(--converged-fg); }
.drifting { background: var(--drifting); color: var(--drifting-fg); }
.undecided { background: var(--undecided); color: var(--undecided-fg); }
.missing { background: var(--missing); color: var(--missing-fg); }
.error { background: var(--error); color: var(--error-fg); }
.unmanaged, .none, .unknown { background: var(--quiet); color: var(--quiet-fg); }
tr.no-data th[scope=row] { color: var(--missing-fg); }
dl.legend { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; }
dl.legend dt { padding: 0 8px; border-radius: 4px; }
dl.legend dd { margin: 0; color: var(--muted); }
'''


def _html(text):
    # imported here: Ansible loads every file of this folder to find any one filter (the role's too), in every worker
    import html
    return html.escape('' if text is None else str(text), quote=True)


def _html_list(items):
    return '<ul>%s</ul>' % ''.join('<li><code>%s</code></li>' % _html(item) for item in items)


def _html_cell(host, env, cell, differs):
    label, sign = STATES[cell['state']]
    classes = 'cell %s%s' % (cell['state'], ' differs' if differs else '')
    parts = ['<td class="%s" data-host="%s" data-env="%s" data-state="%s">' % (
        classes, _html(host), _html(env), cell['state'])]
    parts.append('<span class="state">%s %s</span>' % (_html(sign), _html(label)))
    if differs:
        parts.append('<span class="tag">differs from the reference</span>')
    for what, items in _cell_details(cell):
        parts.append('<div class="detail" data-what="%s"><span class="what">%s:</span>%s</div>'
                     % (_html(what), _html(what), _html_list(items)))
    parts.append('</td>')
    return ''.join(parts)


def _html_grid(report):
    reference = report['reference']
    out = ['<table class="grid">', '<thead><tr><th scope="col">host</th><th scope="col">conda</th>'
           '<th scope="col">platform</th>']
    out += ['<th scope="col" data-env="%s">%s</th>' % (_html(env), _html(env)) for env in report['envs']]
    out.append('</tr></thead>')
    out.append('<tbody>')
    for host in report['hosts']:
        classes = ['host', 'ok' if host['status'] == 'ok' else 'no-data']
        if host['name'] == reference:
            classes.append('reference')
        head = _html(host['name'])
        if host['name'] == reference:
            head += '<span class="tag">reference</span>'
        if host['status'] != 'ok':
            head += '<div class="message">%s: %s</div>' % (_html(host['status']), _html(host['message']))
        out.append('<tr class="%s" data-host="%s" data-status="%s"><th scope="row">%s</th>'
                   '<td class="meta">%s</td><td class="meta">%s</td>' % (
                       ' '.join(classes), _html(host['name']), _html(host['status']), head,
                       _html(host['conda_version'] or ''), _html(host['platform'] or '')))
        out += [_html_cell(host['name'], env, host['envs'][env], env in host['differs_from_reference'])
                for env in report['envs']]
        out.append('</tr>')
    out.append('</tbody></table>')
    return out


def _html_differences(report):
    reference = report['reference']
    out = ['<section id="differences">', '<h2>Differences from the reference host</h2>']
    if not reference:
        out.append('<p>No reference host was chosen (<code>conda_report_reference</code>).</p>')
    for env, found in report['differences'].items():
        out.append('<section class="env" data-env="%s"><h3>%s</h3>' % (_html(env), _html(env)))
        if found['same']:
            out.append('<p class="same">Same as %s: %s.</p>' % (
                _html(reference), ', '.join(_html(host) for host in found['same'])))
        if found['differ']:
            out.append('<table class="differ"><thead><tr><th scope="col">host</th><th scope="col">differs by</th>'
                       '<th scope="col">reference &rarr; host</th><th scope="col">only on the reference</th>'
                       '<th scope="col">only on the host</th></tr></thead><tbody>')
            for entry in found['differ']:
                out.append('<tr data-host="%s" data-reason="%s"><th scope="row">%s</th><td>%s</td>'
                           '<td>%s</td><td>%s</td><td>%s</td></tr>' % (
                               _html(entry['host']), _html(entry['reason']), _html(entry['host']),
                               _html(entry['reason']), _html_list(entry['changed']),
                               _html_list(entry['only_reference']), _html_list(entry['only_host'])))
            out.append('</tbody></table>')
        if not found['same'] and not found['differ']:
            out.append('<p>No other host to compare.</p>')
        out.append('</section>')
    out.append('</section>')
    return out


def render_html(report):
    totals = report['totals']
    reference = report['reference']
    out = ['<!DOCTYPE html>', '<html lang="en">', '<head>', '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           '<title>conda fleet report</title>', '<style>%s</style>' % STYLE, '</head>', '<body>',
           '<header><h1>conda fleet report</h1>',
           '<p class="summary">%s, %s%s</p>' % (
               _count(totals['hosts'], 'host'), _count(len(report['envs']), 'env'),
               '; reference host <b>%s</b>' % _html(reference) if reference else ''),
           '<ul class="totals">%s</ul></header>' % ''.join(
               '<li class="%s" data-state="%s">%s %s: %d</li>' % (
                   state, state, _html(STATES[state][1]), _html(STATES[state][0]), totals[state])
               for state in STATES if totals[state]),
           '<main>', '<section id="grid"><h2>Hosts by envs</h2>']
    out += _html_grid(report)
    out.append('</section>')
    out += _html_differences(report)
    out.append('<section id="legend"><h2>States</h2><dl class="legend">%s</dl></section>' % ''.join(
        '<dt class="%s">%s %s</dt><dd>%s</dd>' % (state, _html(STATES[state][1]), _html(STATES[state][0]),
                                                  _html(STATE_HELP[state])) for state in STATES))
    out += ['</main>', '</body>', '</html>']
    return '\n'.join(out) + '\n'


RENDERERS = {'json': render_json, 'markdown': render_markdown, 'html': render_html}


def conda_fleet_report(results, reference='', output='data'):
    """The fleet report from the hosts' conda_info results, as data or as the text of one of its files."""
    if output not in OUTPUTS:
        raise AnsibleFilterError('conda_fleet_report output must be one of %s, not %r.' % (', '.join(OUTPUTS), output))
    report = fleet_report(results, reference=reference or '')
    return report if output == 'data' else RENDERERS[output](report)


class FilterModule:
    """The fleet view of conda."""

    def filters(self):
        return {'conda_fleet_report': conda_fleet_report}
