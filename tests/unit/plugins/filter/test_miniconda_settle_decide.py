"""miniconda_settle, miniconda_decide and miniconda_record_text: the role's settling and deciding, one render each."""
from __future__ import annotations

import base64
import hashlib

import pytest
from ansible.plugins.filter.core import to_nice_json

from ansible_collections.macfleet.conda.plugins.filter.miniconda import (
    miniconda_account, miniconda_decide, miniconda_host, miniconda_installer, miniconda_platform,
    miniconda_record_text, miniconda_settle, miniconda_shell_blocks)

MAC = {'system': 'Darwin', 'architecture': 'arm64', 'user_id': 'builder', 'env': {}}
LINUX_PROBE = {'host_facts': {'system': 'Linux', 'architecture': 'x86_64', 'user_id': 'ci', 'user_group': 'ci',
                              'env': {}}}
PREFIX = '/opt/miniconda3'
INSTALLER = 'Miniconda3-py311_24.7.1-0-Linux-x86_64.sh'
RECORD = PREFIX + '/etc/macfleet/miniconda.json'
LEGACY = PREFIX + '/conda-meta/macfleet-miniconda.json'


def test_settle_is_the_three_filters_and_their_refusals():
    settled = miniconda_settle(MAC, owner='builder', version='24.7.1-0', sha256='ab' * 32)
    platform = miniconda_platform(MAC)
    assert settled['platform'] == platform
    assert settled['account'] == miniconda_account(MAC, owner='builder')
    assert settled['installer'] == miniconda_installer(platform, version='24.7.1-0', sha256='ab' * 32)
    assert settled['refusals'] == []


def test_settle_lists_every_refusal_and_the_installers_only_when_asked():
    facts = {'system': 'Windows', 'architecture': 'AMD64', 'user_id': 'root', 'env': {}}
    kept = miniconda_settle(facts, prefix='miniconda3', version='24.7.1-0')
    first_words = [refusal.split(' ')[0] for refusal in kept['refusals']]
    assert first_words == ['macfleet.conda.miniconda', 'miniconda_prefix', 'The']
    refused = miniconda_settle(MAC, version='24.7.1-0', refuse_unverified=True)
    assert refused['refusals'] and refused['refusals'][-1].startswith('No sha256 for Miniconda3-')


def test_settle_takes_the_probed_facts_where_given_and_the_facts_otherwise():
    probed = LINUX_PROBE['host_facts']
    assert miniconda_settle({}, probed_facts=probed)['platform']['system'] == 'Linux'
    assert miniconda_settle({}, probed_facts=probed)['account']['owner'] == 'ci'
    assert miniconda_settle(MAC, probed_facts=None)['platform']['system'] == 'Darwin'
    assert miniconda_settle({}, probed_facts=probed)['probed'] is True
    assert miniconda_settle(MAC, probed_facts=None)['probed'] is False


def record_text(tos_accepted):
    return miniconda_record_text({'distribution': 'miniconda', 'installer': INSTALLER, 'tos_accepted': tos_accepted})


def test_the_record_text_is_to_nice_json_and_a_newline():
    record = {'distribution': 'miniconda', 'installer': INSTALLER, 'tos_accepted': ['b', 'a']}
    assert miniconda_record_text(record) == to_nice_json(record) + '\n'


def answer(tos_accepted=(), owner_group='staff', **extra):
    """A converged install as conda_info reads it, its record accepting ``tos_accepted``."""
    text = record_text(list(tos_accepted))
    info = {'root_prefix': PREFIX, 'conda_executable': PREFIX + '/bin/conda', 'conda_version': '24.7.1',
            'host_facts': {'user_group': 'hostgroup'}, 'envs': {}, 'paths': {
                PREFIX: {'exists': True, 'type': 'directory', 'owner': 'builder', 'group': 'staff', 'mode': '0755'},
                RECORD: {'exists': True, 'type': 'file', 'owner': 'builder', 'group': 'staff', 'mode': '0644',
                         'checksum': hashlib.sha1(text.encode()).hexdigest(),
                         'content': base64.b64encode(text.encode()).decode()},
                PREFIX + '/etc/macfleet': {'exists': True, 'type': 'directory', 'owner': 'builder', 'group': 'staff',
                                           'mode': '0755'},
                LEGACY: {'exists': False}}}
    if owner_group is not None:
        info['owner_group'] = owner_group
    info.update(extra)
    return info


def settled(platform_group='', owner='', probed=True, user_id='builder'):
    """What miniconda_settle gives for the builder account on Linux, from the probe's facts or the play's."""
    facts = {'system': 'Linux', 'architecture': 'x86_64', 'user_id': user_id, 'env': {}}
    return miniconda_settle({} if probed else facts, probed_facts=facts if probed else None, group=platform_group,
                            owner=owner, version='py311_24.7.1-0')


def decide(probe, owner_read=None, settle=None, **options):
    return miniconda_decide(probe, settle or settled(options.pop('platform_group', '')), owner_read=owner_read,
                            record=RECORD, legacy_record=LEGACY, **options)


def test_the_owners_answer_wins_where_that_run_happened():
    probe, owner_read = answer(owner_group='wheel'), answer(owner_group='staff')
    assert decide(probe, owner_read)['group'] == 'staff'
    assert decide(probe, {'skipped': True})['group'] == 'wheel'


@pytest.mark.parametrize('platform_group, owner_group, group', [('staff', 'other', 'staff'), ('', 'builders', 'builders'),
                                                                ('', None, 'hostgroup'), ('', '', '')],
                         ids=['platform', 'owner-group', 'host-facts-account', 'no-account'])
def test_the_group(platform_group, owner_group, group):
    probe = answer(owner_group=owner_group)
    assert decide(probe, platform_group=platform_group)['group'] == group
    assert miniconda_host(settled(platform_group), probe, {'skipped': True})['group'] == group


def test_an_owner_without_an_account_is_refused_with_the_decision():
    decided = decide(answer(owner_group=''))
    assert decided['refusals'] == ['miniconda_owner builder has no account on this host (no primary group); '
                                   'nothing was changed.']
    assert decided['plan']['work'] is True and decided['pending'] is False
    assert decide(answer())['refusals'] == []


@pytest.mark.parametrize('settle', [settled(probed=False), settled(owner='builder', user_id='ci')],
                         ids=['play-facts', 'probe-as-someone-else'])
def test_the_decision_waits_for_the_owners_run_where_the_probe_is_not_the_owners(settle):
    waiting = decide(answer(), settle=settle)
    assert waiting['pending'] is True and waiting['plan'] == {'work': False} and waiting['refusals'] == []
    decided = decide(answer(), answer(owner_group='builders'), settle=settle)
    assert decided['pending'] is False and decided['group'] == 'builders' and decided['plan']['work'] is True


def test_settles_refusals_decide_nothing():
    refused = settled(user_id='root')
    decided = decide(answer(), settle=refused)
    assert decided['refusals'] == refused['refusals'] and len(decided['refusals']) == 1
    assert decided['plan'] == {'work': False} and decided['pending'] is False


def test_found_and_plan_are_the_filters_on_that_answer():
    decided = decide(answer(), platform_group='staff')
    assert decided['found'] == {'action': 'none', 'tos_accepted': [], 'legacy_record': False}
    assert decided['plan']['prefix'] is False and decided['plan']['work'] is True  # .condarc not read: written


def test_the_shell_blocks_compared_are_the_settled_platforms_under_the_owners_home():
    settle = settled('staff')
    blocks = miniconda_shell_blocks(settle['platform'], settle['account']['home'])
    assert blocks and decide(answer(), settle=settle, shell_init=True)['plan']['shells'] == blocks
    assert decide(answer(), settle=settle, shell_init=False)['plan']['shells'] == []


def test_the_record_a_tos_run_writes_holds_the_channels_accepted_and_those_accepted_now():
    fields = {'distribution': 'miniconda'}
    held = decide(answer(tos_accepted=['a', 'b']), platform_group='staff', record_fields=fields, tos_channels=['b', 'a'])
    assert held['plan']['record'] is False and held['plan']['tos_channels'] == []
    more = decide(answer(tos_accepted=['a']), platform_group='staff', record_fields=fields, tos_channels=['a', 'b'])
    assert more['plan']['record'] is True and more['plan']['tos_channels'] == ['b']
    assert decide(answer(), platform_group='staff')['plan']['record'] is False  # no ToS: no record to write


def test_miniconda_host_is_where_conda_is_and_who_runs_it():
    settle = settled('staff')
    assert miniconda_host(settle, answer()) == {
        'prefix': PREFIX, 'conda': PREFIX + '/bin/conda', 'owner': 'builder', 'group': 'staff', 'become': False,
        'owner_home': '~builder'}


def test_a_refused_prefix_without_facts_is_the_whole_answer():
    # the main entry point's probe never reads a refused prefix, so no facts come with it
    settled = miniconda_settle({}, prefix='/usr', owner='builder')
    assert settled['refusals'] == [miniconda_platform({}, prefix='/usr')['prefix_refusal']]
    assert settled['account']['owner'] == 'builder' and settled['account']['become'] is False
    with_facts = miniconda_settle(dict(MAC, user_id='root'), prefix='/usr')
    assert len(with_facts['refusals']) == 2  # with facts, every refusal: the prefix and root as owner
