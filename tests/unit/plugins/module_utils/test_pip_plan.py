"""_pip_plan: which pip lines an env's metadata decides, what pip is handed, and what prune may remove."""
from __future__ import annotations

import pytest

from ansible_collections.macfleet.conda.plugins.module_utils._conda_prefix import Distribution
from ansible_collections.macfleet.conda.plugins.module_utils._pip_plan import (
    PipPlan, PipRequest, environment_of, predicted_distributions, prune_names)
from ansible_collections.macfleet.conda.plugins.module_utils._pip_requirement import RequirementError

ENV = environment_of({'name': 'python', 'version': '3.11.7', 'subdir': 'osx-arm64'})


def dist(name, version, requires=(), by_conda=False, direct_url=None):
    return Distribution(name, version, list(requires), by_conda, direct_url)


INSTALLED = [dist('requests', '2.31.0', ['urllib3<3,>=1.21.1', 'PySocks!=1.5.7; extra == "socks"']),
             dist('urllib3', '2.1.0'), dist('pip', '23.3', by_conda=True), dist('attrs', '23.1.0'),
             dist('local-tool', '0.1', direct_url='file:///opt/src/local-tool')]


def test_option_lines_become_two_arguments_each_and_requirements_one():
    request = PipRequest(['--index-url=https://pypi.example.com/simple', '-f /opt/wheels', 'requests>=2  # http',
                          '# a comment', 'attrs; python_version >= "3.8"'])
    assert request.argv == ['--index-url', 'https://pypi.example.com/simple', '--find-links', '/opt/wheels',
                            'requests>=2', 'attrs; python_version >= "3.8"']


@pytest.mark.parametrize('line, message', [
    ('-r requirements.txt', 'relative path requirements.txt'),
    ('-e ./src/tool', 'relative path ./src/tool'),
    ('dist/tool-1.0-py3-none-any.whl', 'relative path dist/tool-1.0-py3-none-any.whl'),
    ('requests --hash=sha256:abc', 'per-requirement option (--hash)'),
    ('-c constraints.txt', 'relative path constraints.txt'),
    ('requests>=>2', 'requests>=>2'),
])
def test_lines_pip_would_read_otherwise_are_refused(line, message):
    with pytest.raises(RequirementError, match=message.replace('(', r'\(').replace(')', r'\)')):
        PipRequest([line])


def test_met_requirements_need_no_pip_and_unmet_ones_are_certain():
    assert PipPlan(PipRequest(['requests>=2.28,<3', 'urllib3', 'nope==1; python_version < "3"']),
                   INSTALLED, ENV).converged
    plan = PipPlan(PipRequest(['requests>=2.32', 'urllib3']), INSTALLED, ENV)
    assert (plan.converged, plan.certain, plan.unmet) == (False, True, ['requests>=2.32'])


def test_what_metadata_cannot_tell_is_left_to_pip():
    plan = PipPlan(PipRequest(['tool @ https://example.com/tool-1.0.tar.gz', 'urllib3']), INSTALLED, ENV)
    assert (plan.converged, plan.certain, plan.unknown) == (False, False, ['tool @ https://example.com/tool-1.0.tar.gz'])


def test_an_extra_is_decided_by_the_requirements_it_adds():
    # requests[socks] adds PySocks, which is not installed: pip will install it
    assert PipPlan(PipRequest(['requests[socks]']), INSTALLED, ENV).unmet == ['requests[socks]']
    with_socks = INSTALLED + [dist('PySocks', '1.7.1')]
    assert PipPlan(PipRequest(['requests[socks]']), with_socks, ENV).converged


def test_prune_keeps_requirements_their_dependencies_conda_pip_and_url_installs():
    request = PipRequest(['requests', '/opt/src/local-tool'])
    assert prune_names(request, INSTALLED, ENV) == ['attrs']
    assert prune_names(PipRequest([]), INSTALLED, ENV) == ['attrs', 'local-tool', 'requests', 'urllib3']


def test_prune_cannot_know_what_a_requirements_or_constraints_file_needs():
    assert prune_names(PipRequest(['-r /opt/req.txt']), INSTALLED, ENV) is None
    assert prune_names(PipRequest(['requests', '-c /opt/constraints.txt']), INSTALLED, ENV) is None


def test_a_constraints_file_leaves_the_verdict_to_pip():
    # urllib3 2.1.0 meets 'urllib3', but a constraint may pin another version: only pip can tell
    plan = PipPlan(PipRequest(['urllib3', '-c /opt/constraints.txt']), INSTALLED, ENV)
    assert (plan.converged, plan.certain, plan.unknown) == (False, False, ['-c /opt/constraints.txt'])


def test_prune_keeps_what_a_vcs_or_editable_line_installed_by_the_url_pip_recorded():
    installed = INSTALLED + [dist('vcs-tool', '1.0', direct_url='https://git.example.com/vcs-tool.git'),
                             dist('edit-tool', '0.2', direct_url='file:///src/edit-tool')]
    request = PipRequest(['requests', 'git+https://git.example.com/vcs-tool.git@v1.0#egg=vcs-tool',
                          '-e /src/edit-tool'])
    assert prune_names(request, installed, ENV) == ['attrs', 'local-tool']


def test_prune_keeps_a_requirement_whose_version_pip_expands():
    assert prune_names(PipRequest(['attrs==${ATTRS_VERSION}']), INSTALLED, ENV) == [
        'local-tool', 'requests', 'urllib3']


def test_a_dry_run_report_predicts_the_distributions_after():
    after = predicted_distributions(INSTALLED, [('Requests', '2.32.3', ['urllib3<3'])])
    assert [(d.name, d.version, d.by_conda) for d in after if d.name in ('requests', 'pip')] == [
        ('pip', '23.3', True), ('requests', '2.32.3', False)]
