"""The fleet view (plugins/filter/conda_fleet_report.py) from conda_info results as fixture dicts: the grid, the
differences from a reference host, escaping, stable output and masking, with no host and no Ansible run."""
from __future__ import annotations

import json
import re

import pytest
import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.macfleet.conda.plugins.filter import conda_fleet_report as plugin
from ansible_collections.macfleet.conda.plugins.filter.conda_fleet_report import (
    STATES, FilterModule, cell_state, conda_fleet_report, env_difference)

SECRET = 'tok-s3cr3t-4711'


def pkg(name, version, build='0', channel='conda-forge'):
    return {'name': name, 'version': version, 'build': build, 'channel': channel}


def env(packages=(), pip=(), variables=None, **verdict):
    """An existing env as conda_info reports it; ``verdict`` (converged, unsatisfied, ...) when declared."""
    found = {'exists': True, 'prefix': '/opt/miniconda3/envs/x', 'packages': list(packages), 'requested': {},
             'pip_packages': [{'name': name, 'version': version} for name, version in pip],
             'variables': dict(variables or {}), 'last_modified': '2026-11-30T15:47:11Z'}
    if verdict:
        found.update({'declared_state': 'present', 'unsatisfied': [], 'undecided': [], 'extraneous': []}, **verdict)
    return found


def missing(*unsatisfied, state='present'):
    return {'exists': False, 'prefix': None, 'packages': [], 'requested': {}, 'pip_packages': [], 'variables': {},
            'last_modified': None, 'declared_state': state, 'converged': state == 'absent',
            'unsatisfied': list(unsatisfied), 'undecided': [], 'extraneous': []}


def host(envs, version='26.7.1', platform='osx-arm64'):
    return {'changed': False, 'root_prefix': '/opt/miniconda3', 'conda_version': version, 'platform': platform,
            'condarc': None, 'envs': dict({'base': env([pkg('conda', version), pkg('python', '3.13.1')])}, **envs)}


BUILD = [pkg('python', '3.11.7', 'h1_0'), pkg('numpy', '1.26.4', 'py311_0'), pkg('toolz', '0.12.0', 'pyh_0')]
# A fleet of Macs: mac-ref (the reference, converged), mac-2 (an older toolz, a pip package more, another config
# var), mac-10 (data missing, an env nobody declared), intel (osx-64, the build env unreadable), gone (no data).
FLEET = {
    'mac-ref': host({'build': env(BUILD, pip=[('requests', '2.31.0')], variables={'PROFILE': 'release'},
                                  converged=True),
                     'data': env([pkg('python', '3.11.7', 'h1_0')], converged=True)}),
    'mac-2': host({'build': env([BUILD[0], BUILD[1], pkg('toolz', '0.11.2', 'pyh_0')],
                                pip=[('requests', '2.31.0'), ('rich', '13.7.0')], variables={'PROFILE': 'debug'},
                                converged=False, unsatisfied=['toolz=0.12.0', 'PROFILE=release (env var)']),
                   'data': env([pkg('python', '3.11.7', 'h1_0')], converged=True)}),
    'mac-10': host({'build': env(BUILD, pip=[('requests', '2.31.0')], variables={'PROFILE': 'release'},
                                 converged=True),
                    'data': missing('python=3.11'),
                    'scratch': env([pkg('python', '3.12.1', 'h2_0')])}, version='25.9.1'),
    'intel': host({'build': dict(env(converged=False, unsatisfied=['python=3.11']), packages=[],
                                 error='conda-meta/numpy-1.26.4-py311_0.json is not valid JSON'),
                   'data': env([pkg('python', '3.11.7', 'h1_0')], converged=True)}, platform='osx-64'),
    'gone': {},
}


def report(results=None, **args):
    return conda_fleet_report(FLEET if results is None else results, **args)


def grid(data):
    return dict((row['name'], dict((name, cell['state']) for name, cell in row['envs'].items()))
                for row in data['hosts'])


# -- the grid -----------------------------------------------------------------------------------------------

def test_the_grid_has_a_state_per_host_and_env_hosts_by_name_declared_envs_first():
    data = report()
    assert data['envs'] == ['build', 'data', 'scratch']  # base is every root's: a column only when declared
    assert [row['name'] for row in data['hosts']] == ['gone', 'intel', 'mac-2', 'mac-10', 'mac-ref']
    assert grid(data) == {
        'gone': {'build': 'unknown', 'data': 'unknown', 'scratch': 'unknown'},
        'intel': {'build': 'error', 'data': 'converged', 'scratch': 'none'},
        'mac-2': {'build': 'drifting', 'data': 'converged', 'scratch': 'none'},
        'mac-10': {'build': 'converged', 'data': 'missing', 'scratch': 'unmanaged'},
        'mac-ref': {'build': 'converged', 'data': 'converged', 'scratch': 'none'},
    }
    totals = data['totals']
    assert (totals['hosts'], totals['converged'], totals['drifting'], totals['missing'], totals['unknown']) == (
        5, 5, 1, 1, 3)
    assert set(totals) == set(STATES) | {'hosts'}


def test_each_host_has_its_conda_version_platform_and_why_it_has_no_data():
    rows = dict((row['name'], row) for row in report()['hosts'])
    assert (rows['mac-10']['conda_version'], rows['mac-10']['platform']) == ('25.9.1', 'osx-arm64')
    assert (rows['intel']['conda_version'], rows['intel']['platform']) == ('26.7.1', 'osx-64')
    assert rows['mac-ref']['status'] == 'ok' and rows['mac-ref']['message'] == ''
    assert rows['gone']['status'] == 'no data' and 'no conda_info result' in rows['gone']['message']
    assert rows['gone']['conda_version'] is None


def test_a_cell_lists_what_is_not_met():
    rows = dict((row['name'], row) for row in report()['hosts'])
    assert rows['mac-2']['envs']['build']['unsatisfied'] == ['toolz=0.12.0', 'PROFILE=release (env var)']
    assert rows['mac-10']['envs']['data']['unsatisfied'] == ['python=3.11']
    assert rows['intel']['envs']['build']['error'].endswith('is not valid JSON')
    assert rows['mac-ref']['envs']['build']['packages'] == 3 and rows['mac-ref']['envs']['build']['pip_packages'] == 1


@pytest.mark.parametrize('found, state', [
    (None, 'none'),
    (env(), 'unmanaged'),
    (env(converged=True), 'converged'),
    (env(converged=False, unsatisfied=['numpy=2']), 'drifting'),
    (env(converged=False, extraneous=['toolz']), 'drifting'),  # prune would remove it
    (env(converged=False, undecided=['git+https://example.com/tool.git (pypi)']), 'undecided'),
    (missing('python=3.11'), 'missing'),
    (missing(state='absent'), 'absent'),
    (env(converged=False, declared_state='absent', extraneous=['old']), 'drifting'),  # declared absent, still there
    (dict(env(converged=True), error='bad record'), 'error'),
], ids=['none', 'unmanaged', 'converged', 'drifting', 'extraneous', 'undecided', 'missing', 'absent',
        'absent-but-there', 'error'])
def test_cell_state(found, state):
    assert cell_state(found) == state


def test_a_failed_or_unreachable_host_is_a_row_with_its_message():
    data = report({'ok': host({'build': env(converged=True)}),
                   'failed': {'changed': False, 'failed_when_result': False, 'msg': 'No conda found at /opt/x'},
                   'unreachable': {'unreachable': True, 'msg': 'ssh: connect to host mac9 port 22: timed out'}})
    rows = dict((row['name'], row) for row in data['hosts'])
    assert (rows['failed']['status'], rows['failed']['message']) == ('failed', 'No conda found at /opt/x')
    assert (rows['unreachable']['status'], rows['unreachable']['message']) == (
        'no data', 'ssh: connect to host mac9 port 22: timed out')
    assert rows['failed']['envs'] == {'build': dict(rows['failed']['envs']['build'], state='unknown')}


def test_envs_known_only_by_their_folder_come_last_and_base_when_declared():
    data = report({'mac1': host({'base': env(converged=True), 'b': env(), '/srv/envs/x': env(), 'a': env()})})
    assert data['envs'] == ['base', 'a', 'b', '/srv/envs/x']


# -- differences from the reference -------------------------------------------------------------------------

def test_each_env_is_compared_with_the_reference_by_packages_pip_packages_and_variables():
    data = report(reference='mac-ref')
    build = data['differences']['build']
    assert build['same'] == ['mac-10']
    assert build['differ'] == [
        {'host': 'gone', 'reason': 'no data', 'changed': [], 'only_reference': [], 'only_host': []},
        {'host': 'intel', 'reason': 'unreadable', 'changed': [], 'only_reference': [], 'only_host': []},
        {'host': 'mac-2', 'reason': 'packages',
         'changed': ['toolz 0.12.0=pyh_0 -> 0.11.2=pyh_0', 'PROFILE release -> debug (env var)'],
         'only_reference': [], 'only_host': ['rich==13.7.0 (pypi)']}]
    assert data['differences']['data']['same'] == ['intel', 'mac-2']
    assert [(entry['host'], entry['reason']) for entry in data['differences']['scratch']['differ']] == [
        ('gone', 'no data'), ('mac-10', 'not on the reference')]
    rows = dict((row['name'], row) for row in data['hosts'])
    assert rows['mac-2']['differs_from_reference'] == ['build']
    assert rows['mac-10']['differs_from_reference'] == ['data', 'scratch']
    assert rows['mac-ref']['differs_from_reference'] == []
    assert rows['gone']['differs_from_reference'] == rows['intel']['differs_from_reference'] == []  # the cell says why


def test_a_difference_names_what_only_one_side_has_and_what_changed():
    ours = env([pkg('numpy', '1.26.4', 'py311_0'), pkg('six', '1.16.0')], pip=[('a', '1')], variables={'X': '1'})
    theirs = env([pkg('numpy', '1.26.4', 'py311_1'), pkg('toolz', '0.12.0')], pip=[('a', '2'), ('b', '1')])
    assert env_difference(ours, theirs) == (
        ['numpy 1.26.4=py311_0 -> 1.26.4=py311_1', 'a 1 -> 2 (pypi)'],
        ['six=1.16.0=0', 'X=1 (env var)'],
        ['toolz=0.12.0=0', 'b==1 (pypi)'])
    assert env_difference(ours, ours) == ([], [], [])


def test_the_channel_does_not_make_a_difference():
    assert env_difference(env([pkg('numpy', '1', 'b', 'conda-forge')]), env([pkg('numpy', '1', 'b', 'defaults')])) == (
        [], [], [])


def test_no_reference_no_differences_and_an_unknown_reference_is_refused():
    assert report()['differences'] == {} and report()['reference'] is None
    with pytest.raises(AnsibleFilterError, match=r"The reference host 'mac-9' is not one of the hosts reported "
                                                 r"\(gone, intel, mac-2, mac-10, mac-ref\)"):
        report(reference='mac-9')


def test_a_reference_without_data_compares_nothing():
    data = report(reference='gone')
    assert all(entry['reason'] == 'no data' for found in data['differences'].values() for entry in found['differ'])


# -- the three files ----------------------------------------------------------------------------------------

def test_json_is_the_data():
    text = report(reference='mac-ref', output='json')
    assert json.loads(text) == report(reference='mac-ref') and text.endswith('}\n')


def test_markdown_has_the_grid_and_the_differences():
    text = report(reference='mac-ref', output='markdown')
    assert '\n5 hosts, 3 envs; reference host: mac-ref.\n' in text
    assert '| host | conda | platform | build | data | scratch |\n|---|---|---|---|---|---|\n' in text
    assert ('| mac-2 | 26.7.1 | osx-arm64 | \u2260 drifting; unsatisfied: `toolz=0.12.0`, `PROFILE=release (env var)` '
            '(differs from the reference) | \u2713 converged | \u2014 not there |') in text
    assert '| mac-ref (reference) |' in text
    assert '- gone: no data: the host gave no conda\\_info result' in text
    assert '| mac-2 | packages | `toolz 0.12.0=pyh_0 -> 0.11.2=pyh_0`, `PROFILE release -> debug (env var)` |  | ' \
           '`rich==13.7.0 (pypi)` |' in text
    assert not text.endswith('\n\n')


def test_html_is_one_self_contained_page_with_a_cell_per_host_and_env():
    page = report(reference='mac-ref', output='html')
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">') and page.endswith('</html>\n')
    assert '<style>' in page and '<meta charset="utf-8">' in page
    for external in ('<script', '<link', ' src=', 'href=', 'url(', '@import', 'http://', 'https://'):
        assert external not in page, external
    cells = re.findall(r'<td class="([^"]+)" data-host="([^"]+)" data-env="([^"]+)" data-state="([^"]+)">', page)
    assert len(cells) == 5 * 3
    assert ('cell drifting differs', 'mac-2', 'build', 'drifting') in cells
    assert ('cell missing differs', 'mac-10', 'data', 'missing') in cells
    assert '<tr class="host ok reference" data-host="mac-ref" data-status="ok">' in page


# -- escaping, stability, masking ---------------------------------------------------------------------------

HOSTILE = {'<b>mac&"1\'</b>': host({'<script>alert(1)</script>': env(
    converged=False, unsatisfied=['numpy>=1.20,<2|>=3', 'a`b'])})}


def test_html_escapes_every_host_env_and_spec():
    page = conda_fleet_report(HOSTILE, output='html')
    assert '<script>' not in page and '<b>mac' not in page
    assert '&lt;script&gt;alert(1)&lt;/script&gt;' in page
    assert 'data-host="&lt;b&gt;mac&amp;&quot;1&#x27;&lt;/b&gt;"' in page
    assert '<code>numpy&gt;=1.20,&lt;2|&gt;=3</code>' in page


def test_markdown_escapes_table_breaking_and_html_characters():
    text = conda_fleet_report(HOSTILE, output='markdown')
    assert '<script>' not in text and '<b>' not in text
    assert '\n1 host, 1 env.\n' in text
    assert '| \\<b\\>mac&amp;"1\'\\</b\\> |' in text
    assert '`numpy>=1.20,<2\\|>=3`, ``a`b``' in text  # inside code: only the pipe, and a longer fence
    for line in text.splitlines():
        if line.startswith('| <') or line.startswith('| \\<'):
            assert len(re.findall(r'(?<!\\)\|', line)) == 5  # host, conda, platform, one env: 4 cells


def test_the_same_results_give_the_same_text_whatever_the_order_and_no_time():
    shuffled = dict(reversed(list(FLEET.items())))
    for output in ('json', 'markdown', 'html'):
        text = report(reference='mac-ref', output=output)
        assert text == conda_fleet_report(shuffled, reference='mac-ref', output=output)
        # the only times are the envs' own last changes (the JSON's last_modified), never the report's
        assert set(re.findall(r'\d{4}-\d\d-\d\dT[\d:]+Z?', text)) <= {'2026-11-30T15:47:11Z'}


def test_credentials_are_masked_and_only_the_fields_shown_are_read():
    url = 'https://builder:%s@conda.example.com/t/%s/private' % (SECRET, SECRET)
    results = {
        'mac1': dict(host({'build': dict(env([pkg('numpy', '1', 'b', url)], converged=False,
                                             unsatisfied=[url + '::numpy=2']), error='cannot read ' + url)}),
                     invocation={'module_args': {'declared': [{'name': 'build', 'channels': [SECRET]}]}},
                     root_prefix='/opt/%s' % url),
        'mac2': {'msg': 'conda failed on %s' % url},
    }
    for output in ('data', 'json', 'markdown', 'html'):
        text = str(conda_fleet_report(results, reference='mac1', output=output))
        assert SECRET not in text, output
        assert 'https://********@conda.example.com/t/********/private' in text, output


def test_bad_arguments_are_refused():
    with pytest.raises(AnsibleFilterError, match='output must be one of data, json, markdown, html'):
        report(output='pdf')
    with pytest.raises(AnsibleFilterError, match='keyed by host name, got list'):
        conda_fleet_report([FLEET['mac-ref']])


def test_the_filter_is_exposed_and_documented_for_ansible_doc():
    assert FilterModule().filters() == {'conda_fleet_report': conda_fleet_report}
    doc = yaml.safe_load(plugin.DOCUMENTATION)
    assert doc['name'] == 'conda_fleet_report'
    assert doc['options']['output']['choices'] == ['data', 'json', 'markdown', 'html']
    assert yaml.safe_load(plugin.RETURN)['_value']['type'] == 'raw'
    assert isinstance(yaml.safe_load(plugin.EXAMPLES), list)
