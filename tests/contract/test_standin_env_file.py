"""``conda env create/update -f`` with ``pip:``, ``variables:`` and unknown keys, against the recordings.

Recordings 77-82 (a ``pip:`` section run through the env's own pip), 95-104 (``conda env config vars``
and ``conda-meta/state``), 99-100 (``variables:`` from a file) and 121-122 (an unknown top-level key).
The env files are the recorded ones (``environment-pip.yml``, ``environment-vars.yml``,
``environment-unknown-key.yml``) with the recording machine's paths rewritten onto the test bed's; for
pip, ``python=3.11`` becomes the spec of the test channel's working python (``real_python.spec``) and
the wheelhouse is copied to ``$HOME/wheels``, where the recording machine had it.

What is name-normalised, and nothing else: the recording machine's paths (``bed.rewrite``); the random
part of ``condaenv.*.requirements.txt``; the packages conda chose (recorded ``python-3.11.2-h85be14b_0``
from ``srv/conda-channel/linux-64`` is the bed's python as its ``conda-meta`` record names it); the
python minor of ``lib/pythonX.Y``; conda's retry after ``current_repodata.json`` (the recording
machine's channel had one, the bed's has none: see the stand-in's docstring); and pip's own output
(another pip version here, so its lines are compared without blank lines, which pip 26.3 prints
around its progress bar). As in the recordings, the packages are in the package cache already
(``prime``), so nothing is downloaded. The pip failure, the missing-pip warning, ``env update`` with
changes or ``-q`` and keys of the wrong type have no recording: they are asserted as a real conda
26.7.1 printed them (the real-conda build; ``conda/env/pip_util.py`` ``pip_subprocess``,
``conda/env/env.py`` ``validate_keys``, ``conda/env/installers/conda.py``).
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from comparison import Rules, compare_json
from recordings import CONTRACT_DIR, parse

RETRY = ('Solving environment: ...working... unsuccessful attempt using repodata from current_repodata.json, '
         'retrying with next repodata source.\n'
         'Collecting package metadata (repodata.json): ...working... done\n')
PIP_ISOLATED = {'PIP_CONFIG_FILE': '/dev/null', 'PIP_DISABLE_PIP_VERSION_CHECK': '1'}
REQUIREMENTS = re.compile(r'condaenv\.[A-Za-z0-9_]+\.requirements\.txt')
PLAN_DIST = re.compile(r'^(  (\S+) +)srv/conda-channel/[\w-]+::\S+ $', re.M)
NAG = ("Warning: you have pip-installed dependencies in your environment file, but you do not list pip "
       "itself as one of your conda dependencies.  Conda may not use the correct pip to install your "
       "packages, and they may end up in the wrong place.  Please add an explicit pip dependency.  "
       "I'm adding one for you, but still nagging you.\n")


def recording(stem: str):
    return parse(CONTRACT_DIR / f'{stem}.txt')


def recorded_json(stem: str):
    return json.loads((CONTRACT_DIR / f'{stem}.json').read_text())


def env_file(bed, name: str, real_python=None) -> str:
    """The recorded env file, written to the bed's work folder (the recordings' cwd)."""
    text = bed.rewrite((CONTRACT_DIR / name).read_text())
    if real_python is not None:
        text = text.replace('- python=3.11\n', f'- {real_python.spec}\n')
    (bed.work / name).write_text(text)
    return name


@pytest.fixture
def pip_bed(bed, wheelhouse, real_python):
    """The bed with the recording machine's wheelhouse, ``/Users/builder/wheels``, and python and
    pip in its package cache."""
    shutil.copytree(wheelhouse, bed.home / 'wheels')
    prime(bed, real_python.spec, 'pip')
    return bed


def prime(bed, *specs):
    """Puts the packages of ``specs`` in the bed's package cache, as the recorded runs found them."""
    result = bed.run(['create', '--json', '-y', '-p', str(bed.root.parent / 'prime'), *specs,
                      '--override-channels', '-c', bed.channel_url])
    assert result.returncode == 0, result.stdout
    shutil.rmtree(bed.root.parent / 'prime')


def records(prefix) -> dict:
    """name -> conda-meta record of every conda package in the prefix."""
    found = {}
    for path in (prefix / 'conda-meta').glob('*.json'):
        record = json.loads(path.read_text())
        found[record['name']] = record
    return found


def dist(record) -> str:
    return f"{record['name']}-{record['version']}-{record['build']}"


def normalise(text: str, bed, prefix, real_python=None) -> str:
    """A recorded stdout as the bed would print it (see the module docstring)."""
    text = bed.rewrite(text).replace(RETRY, '')
    installed = records(prefix)

    def plan_line(match):
        record = installed[match.group(2)]
        return f"{match.group(1)}channel/{record['subdir']}::{dist(record)} "
    text = PLAN_DIST.sub(plan_line, text)
    if real_python is not None:
        text = text.replace('    - python=3.11\n', f'    - {real_python.spec}\n')
        text = text.replace('/lib/python3.11/', f'/lib/python{real_python.minor}/')
    return REQUIREMENTS.sub('condaenv.XXXX.requirements.txt', text)


def lines(text: str) -> list:
    return [line.rstrip() for line in text.splitlines() if line.strip()]


def assert_stdout_matches(recorded: str, stdout: str):
    """Every line (blank lines aside), in order, and conda's own framing of pip's output exactly."""
    stdout = REQUIREMENTS.sub('condaenv.XXXX.requirements.txt', stdout)
    assert lines(stdout) == lines(recorded)
    for frame in re.findall(r'Installing pip dependencies: \.\.\.working\.\.\. Ran pip subprocess with '
                            r'arguments:\n.*\nPip subprocess output:\n|\n\ndone\n#\n', recorded):
        assert frame in stdout


def expected_link(recorded_entries, prefix) -> list:
    """The recorded LINK entries with the bed's packages' version, build and subdir."""
    installed = records(prefix)
    entries = []
    for entry in recorded_entries:
        record = installed[entry['name']]
        entries.append(dict(entry, build_number=record.get('build_number', 0), build_string=record['build'],
                            channel='channel', dist_name=dist(record), platform=record['subdir'],
                            version=record['version']))
    return entries


def site_packages(prefix) -> set:
    return {p.name for p in prefix.glob('lib/python3.*/site-packages/*.dist-info')}


def run(bed, argv):
    return bed.run(argv, **PIP_ISOLATED)


def create_from(bed, real_python, text: str, name: str, as_json: bool):
    """``env create -f environment-<name>.yml -p envs/<name>`` (``--json`` with ``as_json``) of ``text``, the
    recording machine's paths rewritten and python=3.11 the test channel's working python; (prefix, result)."""
    file_name = f'environment-{name}.yml'
    (bed.work / file_name).write_text(bed.rewrite(text).replace('- python=3.11\n', f'- {real_python.spec}\n'))
    prefix = bed.root / 'envs' / name
    return prefix, run(bed, ['env', 'create', '-f', file_name, '-p', str(prefix)] + (['--json'] if as_json else []))


# -- pip: (77-82) ----------------------------------------------------------------------------------

def test_env_create_runs_the_pip_section_through_the_envs_pip_as_recording_77(pip_bed, real_python):
    bed = pip_bed
    name = env_file(bed, 'environment-pip.yml', real_python)
    rec = recording('77_env_create_pip_text')
    prefix = bed.root / 'envs' / 'pipenv'
    result = run(bed, bed.rewrite(rec.argv))
    assert (result.returncode, result.stderr) == (rec.exit_code, rec.stderr), result.stdout + result.stderr
    assert_stdout_matches(normalise(rec.stdout, bed, prefix, real_python), result.stdout)
    assert {'macfleet_demo_a-1.1.0.dist-info', 'macfleet_demo_b-2.0.0.dist-info'} <= site_packages(prefix)
    # conda writes the requirements beside the env file and removes them afterwards
    assert f"'-r', '{bed.work}/condaenv." in result.stdout
    assert not list(bed.work.glob('condaenv.*')), name


def test_env_create_json_reports_what_pip_installed_as_recording_78(pip_bed, real_python):
    bed = pip_bed
    env_file(bed, 'environment-pip.yml', real_python)
    rec = recording('78_env_create_pip_json')
    prefix = bed.root / 'envs' / 'pipenv_json'
    result = run(bed, bed.rewrite(rec.argv))
    assert (result.returncode, result.stderr) == (rec.exit_code, ''), result.stdout + result.stderr
    body = json.loads(result.stdout)   # one JSON document, pip's output hidden
    expected = bed.rewrite(recorded_json('78_env_create_pip_json'))
    expected['actions']['LINK'] = expected_link(expected['actions']['LINK'], prefix)
    problems = compare_json(expected, body, Rules())
    assert not problems, '\n'.join(problems)
    assert result.stdout == json.dumps(body, indent=2)   # conda's layout, no newline at the end
    assert {'macfleet_demo_a-1.1.0.dist-info', 'macfleet_demo_b-2.0.0.dist-info'} <= site_packages(prefix)


def test_env_create_over_a_pip_env_rebuilds_it_and_pip_runs_again_as_recording_79(pip_bed, real_python):
    bed = pip_bed
    env_file(bed, 'environment-pip.yml', real_python)
    rec = recording('79_env_create_pip_again_text')
    prefix = bed.root / 'envs' / 'pipenv'
    assert run(bed, bed.rewrite(recording('77_env_create_pip_text').argv)).returncode == 0
    (prefix / 'marker').write_text('the old env')
    result = run(bed, bed.rewrite(rec.argv))
    assert (result.returncode, result.stderr) == (rec.exit_code, rec.stderr), result.stdout + result.stderr
    assert_stdout_matches(normalise(rec.stdout, bed, prefix, real_python), result.stdout)
    assert not (prefix / 'marker').exists()
    assert {'macfleet_demo_a-1.1.0.dist-info', 'macfleet_demo_b-2.0.0.dist-info'} <= site_packages(prefix)


def test_env_update_reruns_pip_as_recordings_80_to_82(pip_bed, real_python):
    bed = pip_bed
    env_file(bed, 'environment-pip.yml', real_python)
    prefix = bed.root / 'envs' / 'pipenv'
    assert run(bed, bed.rewrite(recording('77_env_create_pip_text').argv)).returncode == 0

    rec = recording('80_env_update_pip_again_text')
    result = run(bed, bed.rewrite(rec.argv))
    assert (result.returncode, result.stderr) == (rec.exit_code, rec.stderr), result.stdout + result.stderr
    assert_stdout_matches(normalise(rec.stdout, bed, prefix, real_python), result.stdout)

    rec = recording('81_env_update_pip_again_json')
    result = run(bed, bed.rewrite(rec.argv))
    assert (result.returncode, result.stderr) == (rec.exit_code, rec.stderr), result.stdout + result.stderr
    assert result.stdout == bed.rewrite(rec.stdout)

    uninstall = subprocess.run([str(prefix / 'bin' / 'python'), '-m', 'pip', 'uninstall', '-y',
                                'macfleet-demo-a'], env=dict(bed.env(), **PIP_ISOLATED),
                               capture_output=True, text=True, check=False)
    assert uninstall.returncode == 0, uninstall.stderr
    rec = recording('82_env_update_pip_json_after_pip_uninstall')
    result = run(bed, bed.rewrite(rec.argv))
    assert (result.returncode, result.stderr) == (rec.exit_code, rec.stderr), result.stdout + result.stderr
    expected = bed.rewrite(recorded_json('82_env_update_pip_json_after_pip_uninstall'))
    problems = compare_json(expected, json.loads(result.stdout), Rules())
    assert not problems, '\n'.join(problems)
    assert result.stdout == bed.rewrite(rec.stdout)
    assert 'macfleet_demo_a-1.1.0.dist-info' in site_packages(prefix)


def test_env_update_quiet_hides_pip_and_the_activation_hint_as_real_conda(pip_bed, real_python):
    """Real conda 26.7.1, ``env update -q`` of an up-to-date pip env: the spinners stay, pip's
    output (conda/env/pip_util.py) and the activation hint (conda/cli/common.py print_activate) go."""
    bed = pip_bed
    env_file(bed, 'environment-pip.yml', real_python)
    prefix = bed.root / 'envs' / 'pipenv'
    assert run(bed, bed.rewrite(recording('77_env_create_pip_text').argv)).returncode == 0
    result = run(bed, ['env', 'update', '-q', '-f', 'environment-pip.yml', '-p', str(prefix)])
    assert (result.returncode, result.stderr) == (0, ''), result.stdout + result.stderr
    assert result.stdout == ('Collecting package metadata (repodata.json): ...working... done\n'
                             'Solving environment: ...working... done\n'
                             'Installing pip dependencies: ...working... done\n')


PIP_FAILS = '''channels:
  - file:///srv/conda-channel
dependencies:
  - python=3.11
  - pip
  - pip:
      - --no-index
      - --find-links /Users/builder/wheels
      - macfleet-demo-zzz==9.9
'''
# What real conda 26.7.1 printed for PIP_FAILS (conda/env/pip_util.py pip_subprocess): the
# transaction stays done, pip's stdout and "failed" on stdout, pip's stderr then the error on stderr.
PIP_FAILED_STDERR = ('Pip subprocess error:\n'
                     'ERROR: Could not find a version that satisfies the requirement macfleet-demo-zzz==9.9 '
                     '(from versions: none)\n'
                     'ERROR: No matching distribution found for macfleet-demo-zzz==9.9\n\n')
PIP_FAILED_JSON = {'caused_by': 'None', 'error': 'CondaEnvException: Pip failed',
                   'exception_name': 'CondaEnvException',
                   'exception_type': "<class 'conda.exceptions.CondaEnvException'>",
                   'message': 'Pip failed'}


@pytest.mark.parametrize('as_json', [False, True], ids=['text', 'json'])
def test_a_pip_failure_is_pip_failed_as_real_conda(pip_bed, real_python, as_json):
    bed = pip_bed
    prefix, result = create_from(bed, real_python, PIP_FAILS, 'pipfail', as_json)
    assert result.returncode == 1, result.stdout + result.stderr
    if as_json:
        assert json.loads(result.stdout) == PIP_FAILED_JSON
        assert result.stderr == PIP_FAILED_STDERR
    else:
        looking = f'Looking in links: {bed.home}/wheels\n'
        assert result.stdout.endswith(f'Pip subprocess output:\n{looking}\nfailed\n'), result.stdout
        assert result.stderr == PIP_FAILED_STDERR + '\nCondaEnvException: Pip failed\n\n'
    # the conda part is done and stays: python and pip are in the env
    assert {'python', 'pip'} <= set(records(prefix))
    assert not list(bed.work.glob('condaenv.*'))


NO_PIP = '''channels:
  - file:///srv/conda-channel
dependencies:
  - python=3.11
  - pip:
      - --no-index
      - --find-links /Users/builder/wheels
      - macfleet-demo-c==0.1.0
'''


@pytest.mark.parametrize('as_json', [False, True], ids=['text', 'json'])
def test_a_pip_section_without_pip_adds_pip_with_conda_s_warning(pip_bed, real_python, as_json):
    """conda/env/env.py validate_keys; real conda 26.7.1 prints the warning once on stdout, first,
    also with --json (so stdout does not parse), and installs pip."""
    bed = pip_bed
    prefix, result = create_from(bed, real_python, NO_PIP, 'nopip', as_json)
    assert (result.returncode, result.stderr) == (0, ''), result.stdout + result.stderr
    assert result.stdout.startswith(NAG)
    assert result.stdout.count('nagging') == 1
    rest = result.stdout[len(NAG):]
    if as_json:
        body = json.loads(rest)
        assert [e['name'] for e in body['actions']['LINK']] == ['python', 'pip']
        assert body['actions']['PIP'] == ['macfleet-demo-c-0.1.0']
    else:
        assert rest.startswith('Collecting package metadata (current_repodata.json)')
        assert '  added / updated specs:\n    - pip\n' in rest
    assert 'macfleet_demo_c-0.1.0.dist-info' in site_packages(prefix)


# -- variables: and conda env config vars (95-104) --------------------------------------------------

def state(prefix) -> str:
    return (prefix / 'conda-meta' / 'state').read_text()


def test_variables_go_to_the_state_file_as_recording_100(bed):
    name = env_file(bed, 'environment-vars.yml')
    prime(bed, 'python=3.9', 'toolz=0.11.2')
    rec = recording('99_env_create_file_with_variables')
    prefix = bed.root / 'envs' / 'varsenv'
    result = bed.run(bed.rewrite(rec.argv))
    assert (result.returncode, result.stderr) == (rec.exit_code, rec.stderr), result.stdout + result.stderr
    assert name in rec.argv
    assert_stdout_matches(normalise(rec.stdout, bed, prefix), result.stdout)
    # exactly as recorded: conda's JSON layout (indent 2, no newline at the end), 42 a number
    assert state(prefix) == recording('100_cat_state_env_create_variables').stdout
    assert json.loads(state(prefix))['env_vars']['MACFLEET_N'] == 42

    rec = recording('101_env_config_vars_list_text')
    result = bed.run(bed.rewrite(rec.argv))
    assert (result.returncode, result.stdout, result.stderr) == (rec.exit_code, rec.stdout, rec.stderr)


# What real conda 26.7.1 printed for `conda env update -f` with packages to add (a prefix with python
# only, a file adding toolz and variables): conda/env/installers/conda.py solves and executes with no
# plan and no prompt; conda/cli/main_env_update.py then stores the variables.
UPDATE_WITH_CHANGES = ('Collecting package metadata (repodata.json): ...working... done\n'
                       'Solving environment: ...working... done\n'
                       '\n'
                       'Downloading and Extracting Packages: ...working... done\n'
                       'Preparing transaction: ...working... done\n'
                       'Verifying transaction: ...working... done\n'
                       'Executing transaction: ...working... done\n'
                       '#\n# To activate this environment, use\n#\n#     $ conda activate {prefix}\n')


@pytest.mark.parametrize('exists', [True, False], ids=['existing', 'new'])
def test_env_update_prints_no_plan_and_stores_the_variables(bed, exists):
    env_file(bed, 'environment-vars.yml')
    prefix = bed.root / 'envs' / 'varsenv'
    if exists:
        assert bed.run(['create', '--json', '-y', '-p', str(prefix), 'python=3.9', '--override-channels',
                        '-c', bed.channel_url]).returncode == 0
    result = bed.run(['env', 'update', '-f', 'environment-vars.yml', '-p', str(prefix)])
    assert (result.returncode, result.stderr) == (0, ''), result.stdout + result.stderr
    assert result.stdout.startswith(UPDATE_WITH_CHANGES.format(prefix=prefix)), result.stdout
    assert {'python', 'toolz'} <= set(records(prefix))
    assert state(prefix) == recording('100_cat_state_env_create_variables').stdout


def test_config_vars_set_unset_list_as_recordings_95_to_104(bed):
    prefix = bed.root / 'envs' / 'pipenv'
    assert bed.run(['create', '--json', '-y', '-p', str(prefix), 'python=3.9', '--override-channels',
                    '-c', bed.channel_url]).returncode == 0
    for stem, after in (('95_env_config_vars_set', '97_cat_state_after_vars_set'),
                        ('102_env_config_vars_unset', '103_cat_state_after_vars_unset')):
        rec = recording(stem)
        result = bed.run(bed.rewrite(rec.argv))
        assert (result.returncode, result.stdout, result.stderr) == (rec.exit_code, rec.stdout, rec.stderr)
        assert state(prefix) == recording(after).stdout, stem
    assert json.loads(state(prefix))['env_vars']['MACFLEET_X'] == '***unset***'
    rec = recording('104_env_config_vars_list_json_after_unset')
    result = bed.run(bed.rewrite(rec.argv))
    assert (result.returncode, result.stdout, result.stderr) == (rec.exit_code, rec.stdout, rec.stderr)


def test_config_vars_list_json_as_recording_96(bed):
    prefix = bed.root / 'envs' / 'pipenv'
    assert bed.run(['create', '--json', '-y', '-p', str(prefix), 'python=3.9', '--override-channels',
                    '-c', bed.channel_url]).returncode == 0
    assert bed.run(bed.rewrite(recording('95_env_config_vars_set').argv)).returncode == 0
    rec = recording('96_env_config_vars_list_json')
    result = bed.run(bed.rewrite(rec.argv))
    assert (result.returncode, result.stdout, result.stderr) == (rec.exit_code, rec.stdout, rec.stderr)


# -- an unknown top-level key (121, 122) -----------------------------------------------------------

def run_unknown_key(bed, stem: str, name: str):
    """Recording ``stem``'s ``env create`` of environment-unknown-key.yml into env ``name``, rerun on the bed
    with python=3.9 in its package cache; checks its exit code and stderr, returns (recording, prefix, result)."""
    env_file(bed, 'environment-unknown-key.yml')
    prime(bed, 'python=3.9')
    rec = recording(stem)
    result = bed.run(bed.rewrite(rec.argv))
    assert (result.returncode, result.stderr) == (rec.exit_code, rec.stderr), result.stdout + result.stderr
    return rec, bed.root / 'envs' / name, result


def test_an_unknown_key_is_ignored_with_two_warnings_as_recording_121(bed):
    rec, prefix, result = run_unknown_key(bed, '121_env_create_file_unknown_key', 'unknownkey')
    warning = rec.stdout[:rec.stdout.index('Collecting')]
    assert warning.count('EnvironmentSectionNotValid') == 2
    assert result.stdout.startswith(warning)
    assert lines(result.stdout) == lines(normalise(rec.stdout, bed, prefix))


def test_an_unknown_key_with_json_prints_the_warning_before_the_json_as_recording_122(bed):
    rec, prefix, result = run_unknown_key(bed, '122_env_create_file_unknown_key_json', 'unknownkey_json')
    start = rec.stdout.index('{')
    assert result.stdout[:result.stdout.index('{')] == rec.stdout[:start]
    with pytest.raises(ValueError):
        json.loads(result.stdout)   # as in the recording, stdout is not one JSON document
    expected = bed.rewrite(json.loads(rec.stdout[start:]))
    expected['actions']['LINK'] = expected_link(expected['actions']['LINK'], prefix)
    document = result.stdout[result.stdout.index('{'):]
    problems = compare_json(expected, json.loads(document), Rules())
    assert not problems, '\n'.join(problems)
    assert document == json.dumps(json.loads(document), indent=2)   # as conda lays it out


# -- keys of the wrong type (conda/env/env.py SCHEMA_VALIDATORS) ------------------------------------

NOT_DETECTED = ('Unable to detect the environment format for the provided file.\n'
                'Please add to your prior command: --env-spec <format>\n\nAvailable formats:\n'
                '    - cep-24: CEP-24 compliant YAML environment specification\n'
                '    - environment.yml: Standard YAML environment specification with dependencies\n'
                '    - explicit: Explicit package URLs for fully reproducible environments\n'
                '    - requirements.txt: Simple text file with package specifications')


@pytest.mark.parametrize('body', ['dependencies:\n  - python=3.9\n  - 42\n',
                                  'dependencies:\n  - python=3.9\nvariables: [a]\n',
                                  'channels:\ndependencies:\n  - python=3.9\n',
                                  'dependencies:\n  - python=3.9\n  - numpy>>1\n'],
                         ids=['int-dependency', 'variables-list', 'channels-null', 'bad-spec'])
def test_a_key_of_the_wrong_type_is_refused_as_real_conda(bed, body):
    """Real conda 26.7.1 refuses each of these files before solving: no env is made."""
    (bed.work / 'bad.yml').write_text(body)
    prefix = bed.root / 'envs' / 'bad'
    result = bed.run(['env', 'create', '-f', 'bad.yml', '-p', str(prefix), '--json'])
    assert result.returncode == 1, result.stdout + result.stderr
    assert json.loads(result.stdout) == {
        'caused_by': 'None', 'error': f'EnvironmentSpecPluginNotDetected: {NOT_DETECTED}',
        'exception_name': 'EnvironmentSpecPluginNotDetected',
        'exception_type': "<class 'conda.exceptions.EnvironmentSpecPluginNotDetected'>",
        'message': NOT_DETECTED}
    assert not prefix.exists()
