"""Run one decision case of cases/<module>.yml against the fake conda (schema: cases/README.md).

The case is data: the module's params, what the fake root holds, the conda calls with their exact
argv and the recordings answering them, the result expected. Besides what ``output`` names, every
case checks what every decision promises: no conda call other than those listed (each argv exact),
none left out, a result that fails only when ``output.failed`` says so (with a one-line message),
and a disk that changes only as the listed calls' ``effect`` says: the modules themselves never write
into the conda root, HOME or anywhere else under the test's folder.
"""
from __future__ import annotations

import json
import pathlib
import shutil

import yaml

CASES_DIR = pathlib.Path(__file__).parent / 'cases'
CASE_KEYS = {'id', 'input', 'flags', 'given', 'run_command_calls', 'output'}
GIVEN_KEYS = {'envs', 'files', 'environ'}
CALL_KEYS = {'argv', 'recording', 'replace', 'rc', 'out', 'err', 'effect'}
EFFECT_KEYS = {'env', 'holds', 'loses', 'env_removed', 'writes', 'removes'}
# output keys that are not result keys: each is checked in its own way by check_output()
OUTPUT_CHECKS = {'failed', 'changed', 'msg_contains', 'conda_exception', 'linked', 'unlinked', 'linked_channels',
                 'nowhere_in_result', 'keys_absent'}


def load_cases() -> list:
    """``[(module name, case)]`` of every cases/*.yml, each case's keys checked for typos."""
    cases = []
    for path in sorted(CASES_DIR.glob('*.yml')):
        for case in yaml.safe_load(path.read_text(encoding='utf-8')):
            where = '%s case %s' % (path.name, case.get('id'))
            _only(case, CASE_KEYS, where)
            _only(case.get('given', {}), GIVEN_KEYS, where + ' given')
            for call in case.get('run_command_calls', []):
                _only(call, CALL_KEYS, where + ' call')
                _only(call.get('effect', {}), EFFECT_KEYS, where + ' effect')
            cases.append((path.stem, case))
    return cases


def _only(mapping: dict, known: set, where: str) -> None:
    unknown = set(mapping) - known
    assert not unknown, '%s: unknown keys %s (known: %s)' % (where, sorted(unknown), sorted(known))


def fill(value, places: dict):
    """``value`` with ``{root}``, ``{conda}`` and ``{tmp}`` replaced in every string it holds."""
    if isinstance(value, str):
        for name, text in places.items():
            value = value.replace('{%s}' % name, text)
        return value
    if isinstance(value, list):
        return [fill(item, places) for item in value]
    if isinstance(value, dict):
        return {fill(key, places): fill(item, places) for key, item in value.items()}
    return value


def tree(path: pathlib.Path) -> dict:
    """Every file and folder below ``path`` with its bytes: nothing was written when this is equal."""
    return {str(p.relative_to(path)): (p.read_bytes() if p.is_file() else None) for p in sorted(path.rglob('*'))}


class CaseRun:
    """One case run: sets up the fake root, scripts the fake conda, checks the result and the disk."""

    def __init__(self, case: dict, fake_conda, monkeypatch, tmp_path: pathlib.Path):
        self.fake = fake_conda
        self.tmp = tmp_path
        self.places = {'conda': fake_conda.executable, 'root': str(fake_conda.root), 'tmp': str(tmp_path)}
        self.case = fill(case, self.places)
        self.monkeypatch = monkeypatch
        self.disk = None  # the tree as the module may leave it: as given, then as each effect left it

    def run(self, module, run_module) -> dict:
        self.set_up(self.case.get('given', {}))
        for call in self.case.get('run_command_calls', []):
            self.fake.expect(call['argv'], self.answer(call), self.effect(call.get('effect')))
        self.disk = tree(self.tmp)
        flags = self.case.get('flags', {})
        result = run_module(module, self.case.get('input', {}), check=flags.get('check', False),
                            diff=flags.get('diff', False))
        self.assert_disk_as_expected('after the run')
        check_output(result, self.case.get('output', {}))
        return result

    def set_up(self, given: dict) -> None:
        for env, recorded in given.get('envs', {}).items():
            self.fake.make_env(self.prefix(env), recorded or None)
        for path, text in given.get('files', {}).items():
            pathlib.Path(path).parent.mkdir(parents=True, exist_ok=True)
            pathlib.Path(path).write_text(text, encoding='utf-8')
        for variable, value in given.get('environ', {}).items():
            self.monkeypatch.setenv(variable, value)

    def prefix(self, env: str) -> pathlib.Path:
        """An env named in a case: a name lives in the fake root's envs, an absolute path is itself."""
        return pathlib.Path(env) if env.startswith('/') else self.fake.root / 'envs' / env

    def answer(self, call: dict) -> tuple:
        if 'recording' in call:
            rc, out, err = self.fake.recording(call['recording'])
            for old, new in call.get('replace', {}).items():
                out = out.replace(old, new)
            return rc, out, err
        return call['rc'], call.get('out', ''), call.get('err', '')

    def effect(self, effect: dict | None):
        """What conda does to the disk when it answers; first checks the module wrote nothing yet."""

        def apply():
            self.assert_disk_as_expected('before this conda call')
            if 'env_removed' in effect:
                _remove_tree(self.prefix(effect['env_removed']))
            elif 'holds' in effect:
                _remove_tree(self.prefix(effect['env']))
                self.fake.make_env(self.prefix(effect['env']), effect['holds'] or None)
            elif 'writes' in effect or 'removes' in effect:  # what pip or conda env config does to files
                for path in effect.get('removes', ()):
                    _remove_tree(pathlib.Path(path))
                for path, text in effect.get('writes', {}).items():
                    pathlib.Path(path).parent.mkdir(parents=True, exist_ok=True)
                    pathlib.Path(path).write_text(text, encoding='utf-8')
            else:
                for record in effect['loses']:
                    (self.prefix(effect['env']) / 'conda-meta' / (record + '.json')).unlink()
            self.disk = tree(self.tmp)

        return apply if effect else None

    def assert_disk_as_expected(self, when: str) -> None:
        now = tree(self.tmp)
        if now != self.disk:
            added_or_gone = set(now) ^ set(self.disk)
            rewritten = {path for path in set(now) & set(self.disk) if now[path] != self.disk[path]}
            changed = sorted(added_or_gone | rewritten)
            raise AssertionError('the disk changed %s, not by a listed conda effect: %s' % (when, changed))


def _remove_tree(path: pathlib.Path) -> None:
    if path.exists():
        shutil.rmtree(path)


def _names(entries) -> list:
    return sorted('%s==%s' % (entry['name'], entry['version']) for entry in entries)


def check_output(result: dict, output: dict) -> None:
    """``result`` holds what ``output`` says; it fails only if ``output.failed`` says so."""
    failed = output.get('failed', False)
    assert bool(result.get('failed')) is failed, 'failed should be %s: %s' % (failed, result)
    if failed:  # a failure is one paragraph for the play's output, never a Python story
        assert '\n' not in result['msg'] and 'Traceback' not in result['msg'], result['msg']
    if 'changed' in output:  # Ansible reads a result without `changed` as unchanged: so does `changed: false`
        assert result.get('changed', False) is output['changed'], 'changed should be %s: %s' % (
            output['changed'], result)
    for key, expected in output.items():
        if key in OUTPUT_CHECKS:
            continue
        assert key in result, 'the result has no %r: %s' % (key, result)
        assert result[key] == expected, '%r is\n  %r\nnot\n  %r' % (key, result[key], expected)
    for fragment in output.get('msg_contains', []):
        assert fragment in result['msg'], '%r is not in the msg: %s' % (fragment, result['msg'])
    if 'conda_exception' in output:
        assert result['conda_error']['exception_name'] == output['conda_exception'], result.get('conda_error')
    for side in ('linked', 'unlinked'):
        if side in output:
            assert _names(result['actions'][side]) == output[side], (side, result['actions'][side])
    if 'linked_channels' in output:
        channels = [entry['channel'] for entry in result['actions']['linked']]
        assert channels == output['linked_channels'], 'linked from %s' % channels
    text = json.dumps(result)
    for secret in output.get('nowhere_in_result', []):
        assert secret not in text, '%r is in the result: %s' % (secret, text)
    for key in output.get('keys_absent', []):
        assert key not in result, '%r should not be in the result: %s' % (key, result[key])
