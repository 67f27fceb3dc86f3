"""The comparison used by the contract tests must catch broken output, not just pass."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from comparison import Rules, compare
from recordings import CONTRACT_DIR, RECORDED_VERSION, Rewriter, load_all

RECORDINGS = load_all()
IDENTITY = Rewriter(Path('/opt/miniconda3'), 'file:///srv/conda-channel', Path('/Users/builder'),
                    'file:///srv/no-such-channel', RECORDED_VERSION)


def faithful(stem):
    rec = RECORDINGS[stem]
    return rec.exit_code, rec.stdout, rec.stderr


def _damaged(stdout: str) -> str:
    """``stdout`` with its content broken the way a wrong stand-in would: a JSON document loses its
    last key, a text output its last non-empty line, an empty output gains one."""
    doc = None
    try:
        doc = json.loads(stdout)
    except ValueError:
        pass
    if isinstance(doc, dict) and doc:
        doc.pop(list(doc)[-1])
        return json.dumps(doc)
    if isinstance(doc, list) and doc:
        return json.dumps(doc[:-1])
    lines = stdout.splitlines()
    kept = [i for i, line in enumerate(lines) if line.strip()]
    if not kept:
        return 'unexpected output'
    return '\n'.join(lines[:kept[-1]] + lines[kept[-1] + 1:])


@pytest.mark.parametrize('stem', sorted(RECORDINGS))
def test_each_recording_accepts_its_own_output_and_rejects_a_damaged_one(stem):
    """No false alarm on faithful output, and no shape of recording that the comparison cannot check."""
    code, stdout, stderr = faithful(stem)
    assert compare(RECORDINGS[stem], code, stdout, stderr, IDENTITY) == []
    assert compare(RECORDINGS[stem], code + 1, stdout, stderr, IDENTITY) == ['exit code %d != %d' % (code + 1, code)]
    assert compare(RECORDINGS[stem], code, _damaged(stdout), stderr, IDENTITY), 'damaged stdout passed'


def test_missing_key_fails():
    code, stdout, stderr = faithful('05_install_numpy_first')
    doc = json.loads(stdout)
    del doc['actions']['LINK'][0]['build_string']
    problems = compare(RECORDINGS['05_install_numpy_first'], code, json.dumps(doc), stderr, IDENTITY)
    assert any('build_string' in p for p in problems)


def test_wrong_exit_code_fails():
    _code, stdout, stderr = faithful('32_remove_numpy_again')
    assert compare(RECORDINGS['32_remove_numpy_again'], 0, stdout, stderr, IDENTITY) == [
        'exit code 0 != 1']


def test_json_where_none_expected_fails():
    code, _stdout, stderr = faithful('47_err_bad_spec_gt_gt_json')
    problems = compare(RECORDINGS['47_err_bad_spec_gt_gt_json'], code, '{"success": false}', stderr,
                       IDENTITY)
    assert 'stdout is JSON where the recording has none' in problems


def test_text_where_json_expected_fails():
    code, _stdout, stderr = faithful('14_list_json')
    problems = compare(RECORDINGS['14_list_json'], code, 'numpy 1.19.2', stderr, IDENTITY)
    assert problems and problems[0].startswith('stdout is not JSON')


def test_key_order_is_checked():
    code, stdout, stderr = faithful('06_install_numpy_again_json')
    swapped = json.dumps({'message': 'All requested packages already installed.', 'success': True})
    problems = compare(RECORDINGS['06_install_numpy_again_json'], code, swapped, stderr, IDENTITY)
    assert any('key order' in p for p in problems)


def test_changed_value_fails_but_hash_does_not():
    code, stdout, stderr = faithful('05_install_numpy_first')
    doc = json.loads(stdout)
    doc['actions']['FETCH'][0]['md5'] = '0' * 32        # volatile: package bytes differ
    assert compare(RECORDINGS['05_install_numpy_first'], code, json.dumps(doc), stderr, IDENTITY) == []
    doc['actions']['FETCH'][0]['version'] = '1.26.4'    # not volatile
    assert compare(RECORDINGS['05_install_numpy_first'], code, json.dumps(doc), stderr, IDENTITY)


def test_missing_text_line_and_stderr_fail():
    code, stdout, stderr = faithful('12_dryrun_toolz_new_text')
    broken = stdout.replace('The following NEW packages will be INSTALLED:', '')
    assert compare(RECORDINGS['12_dryrun_toolz_new_text'], code, broken, stderr, IDENTITY)
    assert compare(RECORDINGS['12_dryrun_toolz_new_text'], code, stdout, '', IDENTITY)


def test_unexpected_stderr_fails():
    code, stdout, _stderr = faithful('14_list_json')
    assert compare(RECORDINGS['14_list_json'], code, stdout, 'Traceback ...', IDENTITY)


def test_rules_relax_only_what_they_name():
    code, stdout, stderr = faithful('55_err_unsatisfiable_json')
    doc = json.loads(stdout)
    doc['message'] = 'rattler words'
    rules = Rules(ignore_values={'error', 'message', 'unsatisfiable'})
    assert compare(RECORDINGS['55_err_unsatisfiable_json'], code, json.dumps(doc), stderr, IDENTITY,
                   rules) == []
    doc['exception_name'] = 'SolverError'
    assert compare(RECORDINGS['55_err_unsatisfiable_json'], code, json.dumps(doc), stderr, IDENTITY,
                   rules)


def test_contract_dir_is_present():
    assert (CONTRACT_DIR / 'SUMMARY.tsv').is_file()
