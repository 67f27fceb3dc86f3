"""AWX / Automation Controller users build an execution environment with ansible-builder: the collection's
meta/execution-environment.yml must survive packaging and say what the controller needs, and the example
definition in docs/ must be one ansible-builder accepts."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from ansible_builder import ee_schema
from ansible_builder.exceptions import DefinitionError

from conda_testbed.session import ROOT
BIN = Path(sys.executable).parent


def test_ansible_builder_finds_the_ssh_client_in_the_installed_collection(tmp_path):
    # introspect what users get from Galaxy (the built tarball), not the checkout: build_ignore applies
    subprocess.run([str(BIN / 'ansible-galaxy'), 'collection', 'build', '--output-path', str(tmp_path), str(ROOT)],
                   check=True, capture_output=True)
    [tarball] = tmp_path.glob('macfleet-conda-*.tar.gz')
    installed = tmp_path / 'collections'
    # --force: with the checkout staged on ANSIBLE_COLLECTIONS_PATH (make test), galaxy would skip it as installed
    subprocess.run([str(BIN / 'ansible-galaxy'), 'collection', 'install', '--offline', '--no-deps', '--force', '-p',
                    str(installed), str(tarball)], check=True, capture_output=True)
    assert (installed / 'ansible_collections' / 'macfleet' / 'conda' / 'meta' / 'ee-bindep.txt').is_file()
    run = subprocess.run([str(BIN / 'ansible-builder'), 'introspect', '--sanitize', str(installed)],
                         check=True, capture_output=True, text=True)
    found = yaml.safe_load(run.stdout.split('---', 1)[1])
    assert found['python'] == []  # nothing beyond ansible-core on the controller
    assert found['system'] == ['openssh-clients [platform:rpm]  # from collection macfleet.conda',
                               'openssh-client [platform:dpkg]  # from collection macfleet.conda']


def test_the_documented_definition_is_valid_for_ansible_builder():
    definition = yaml.safe_load((ROOT / 'docs' / 'execution-environment.yml').read_text())
    ee_schema.validate_schema(definition)
    assert [item['name'] for item in definition['dependencies']['galaxy']['collections']] == ['macfleet.conda']
    # the check has teeth: a galaxy entry that is neither a file name nor a requirements mapping is refused
    broken = dict(definition, dependencies=dict(definition['dependencies'], galaxy=5))
    with pytest.raises(DefinitionError, match='5 is not valid'):
        ee_schema.validate_schema(broken)
