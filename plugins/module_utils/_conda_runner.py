# -*- coding: utf-8 -*-
# Copyright: macfleet.conda contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Find conda and run it: argv lists, ``--json`` on everything that changes, errors as one paragraph.

Private to this collection (not a public API), as the leading underscore says.
"""
from __future__ import annotations

import json
import os
import re
import signal

from ansible_collections.macfleet.conda.plugins.module_utils._conda_mask import mask, mask_text

# Where Miniconda, Miniforge and Anaconda land on macOS (Homebrew casks included) and Linux,
# checked in this order after the ``executable`` option and ``CONDA_EXE``; ``PATH`` comes last.
INSTALL_LOCATIONS = (
    '/opt/miniconda3',
    '~/miniconda3',
    '/opt/homebrew/Caskroom/miniconda/base',
    '/usr/local/miniconda3',
    '/opt/conda',
    '~/miniforge3',
    '/opt/homebrew/Caskroom/miniforge/base',
    '/usr/local/Caskroom/miniconda/base',
    '/usr/local/Caskroom/miniforge/base',
    '~/anaconda3',
    '/opt/anaconda3',
)
TOS_EXCEPTION = 'CondaToSNonInteractiveError'
# Keys that only the final document of a ``--json`` run carries (progress records have none).
_RESULT_KEYS = ('success', 'exception_name', 'error', 'actions', 'message', 'root_prefix', 'envs')
_CONDA_EXCEPTION_LINE = re.compile(r'^(?:conda\.[\w.]*\.)?(?P<name>[A-Z]\w*(?:Error|Exception|Spec|NotFound|Exit))'
                                   r': (?P<message>.+)$')
_URL = re.compile(r'[a-z][a-z0-9+.-]*://[^\s<>\'"]+', re.IGNORECASE)


class CondaError(Exception):
    """conda failed, or answered with something we cannot read; ``str()`` is the one-paragraph story."""

    def __init__(self, message, exception_name=None, conda_message=None, rc=None, cmd=None):
        super(CondaError, self).__init__(mask_text(message))
        self.exception_name = exception_name
        self.conda_message = mask_text(conda_message)
        self.rc = rc
        self.cmd = mask(cmd)

    def as_result(self):
        """The failure details a module returns next to ``msg``."""
        return {'exception_name': self.exception_name, 'conda_message': self.conda_message,
                'rc': self.rc, 'cmd': self.cmd}


def find_conda(executable=None, environ=None, which=None):
    """Path of the conda (or mamba) to run, or None: option, ``CONDA_EXE``, install locations, ``PATH``."""
    environ = os.environ if environ is None else environ
    if executable:
        return executable if _is_executable(executable) else None
    if environ.get('CONDA_EXE') and _is_executable(environ['CONDA_EXE']):
        return environ['CONDA_EXE']
    home = environ.get('HOME') or os.path.expanduser('~')
    for location in INSTALL_LOCATIONS:
        root = os.path.join(home, location[2:]) if location.startswith('~/') else location
        for sub in ('bin', 'condabin'):
            candidate = os.path.join(root, sub, 'conda')
            if _is_executable(candidate):
                return candidate
    return which('conda') if which else None


def _is_executable(path):
    return os.path.isfile(path) and os.access(path, os.X_OK)


def not_executable_reason(path):
    """Why ``path`` cannot be run as conda, in a few words."""
    if not os.path.lexists(path):
        return 'nothing is there'
    if not os.path.exists(path):
        return 'a broken symlink'
    if os.path.isdir(path):
        return 'it is a folder'
    if not os.path.isfile(path):
        return 'it is not a regular file'
    return 'it is not executable by this user (mode %s)' % oct(os.stat(path).st_mode & 0o7777)[2:].zfill(4)


def parse_json(stdout):
    """The result document of a ``--json`` run, skipping progress records and any text noise; None if none."""
    text = (stdout or '').replace('\x00', '\n')
    decoder = json.JSONDecoder()
    documents = []
    index = 0
    while True:
        start = text.find('{', index)
        if start < 0:
            break
        try:
            document, index = decoder.raw_decode(text, start)
        except ValueError:
            index = start + 1
            continue
        if isinstance(document, dict):
            documents.append(document)
    results = [doc for doc in documents if any(key in doc for key in _RESULT_KEYS)]
    return (results or documents or [None])[-1]


def _paragraph(text):
    return ' '.join((text or '').split())


def exception_from_text(text):
    """``(name, message)`` of the conda exception a traceback or text error names, else ``(None, None)``.

    An invalid spec makes conda crash while serialising its own error (recordings 47, 50, 51): the
    useful line is the ``conda.exceptions.X: ...`` one, not the final ``TypeError``.
    """
    found = [_CONDA_EXCEPTION_LINE.match(line.strip()) for line in (text or '').splitlines()]
    found = [match for match in found if match]
    preferred = [match for match in found if match.group(0).startswith('conda.')] or found
    if not preferred:
        return None, None
    match = preferred[-1]
    return match.group('name'), match.group('message')


def tos_advice(message):
    """What to do when Anaconda's terms of service block a non-interactive run."""
    channels = sorted(set(url.rstrip('.,;:') for url in _URL.findall(message or '')))
    accept = '; '.join('conda tos accept --override-channels -c %s' % url for url in channels) \
        or 'conda tos accept --override-channels -c <channel>'
    return ("Anaconda's terms of service have not been accepted for the channel(s) %s, and conda refuses "
            "to run non-interactively until they are. Accept them once on the host (%s), or use the "
            "conda-forge channel (channels: [conda-forge], override_channels: true) or a Miniforge install."
            % (', '.join(channels) or 'of this task', accept))


def exit_status(rc):
    """``exit code N`` or, for a negative ``rc`` (killed), ``signal SIGKILL (9)``."""
    if rc is not None and rc < 0:
        try:
            return 'killed by signal %s (%d)' % (signal.Signals(-rc).name, -rc)
        except ValueError:
            return 'killed by signal %d' % -rc
    return 'exit code %s' % rc


def describe_failure(what, document, stderr, executable=None, rc=None):
    """``(exception_name, conda_message, one-paragraph message)`` for a failed conda run."""
    if document and document.get('exception_name') == 'CondaMultiError' and document.get('errors'):
        # a failed fetch of an @EXPLICIT lock: conda repeats one error per package (the first says which)
        document = document['errors'][0]
    if document and (document.get('exception_name') or document.get('error')):
        name = document.get('exception_name')
        message = document.get('message') or document.get('error') or ''
    else:
        name, message = exception_from_text(stderr)
    lines = [line.strip() for line in (stderr or '').splitlines() if line.strip()]
    if name == TOS_EXCEPTION:
        return name, message, mask_text('%s failed: %s%s' % (what, tos_advice(message), _ran(executable, rc, [])))
    if name == 'PackagesNotFoundInChannelsError' and document:
        packages = ', '.join(document.get('packages') or ())
        searched = ', '.join(document.get('channel_urls') or ())
        story = ('package(s) not available from the channels: %s (searched %s); check the names and versions, '
                 'or add the channel that has them' % (packages, searched))
    elif name == 'UnavailableInvalidChannel' and document:
        reason = document.get('reason') or document.get('status_code')
        story = ('channel %s is unreachable or not a conda channel (%s); check its URL, and the network and '
                 'proxy settings of the host' % (document.get('channel_url'), reason))
    elif name == 'CondaHTTPError' and document and document.get('url'):
        # conda names the repodata file it could not fetch (recording 118)
        story = ('channel %s could not be fetched (HTTP %s %s); check its URL and credentials, and the network '
                 'and proxy settings of the host' % (document['url'], document.get('status_code'),
                                                     document.get('reason')))
    elif name:
        story = '%s: %s' % (name, _paragraph(message))
    else:
        if executable is None:
            story = 'conda printed no JSON result%s' % (': %s' % lines[-1] if lines else '')
        else:
            story = ('%s printed no JSON result (%s; %s). If %s is not conda, set the executable option '
                     'to a conda; if it was killed, rerun the task: it repairs an interrupted transaction'
                     % (executable, exit_status(rc),
                        'last lines of stderr: %s' % ' | '.join(lines[-3:]) if lines else 'stderr was empty',
                        executable))
        return name, message, mask_text('%s failed: %s' % (what, _paragraph(story)))
    return name, message, mask_text('%s failed: %s%s' % (what, _paragraph(story), _ran(executable, rc, lines)))


def _ran(executable, rc, stderr_lines):
    """`` (EXE, exit code N; last lines of stderr: ...)``: which conda answered, and how it ended."""
    if executable is None:
        return ''
    said = ' | '.join(stderr_lines[-3:])
    return ' (%s, %s%s)' % (executable, exit_status(rc), '; last lines of stderr: %s' % said if said else '')


class CondaRunner(object):
    """Runs one conda executable for a module; every method returns conda's parsed JSON result."""

    def __init__(self, module, executable):
        self.module = module
        self.executable = executable
        # variables every conda run gets (CONDA_SUBDIR for an env of another subdir)
        self.environ = {}

    def run(self, args, what):
        """Run ``conda args`` (which must include ``--json``); raise CondaError unless it succeeded."""
        argv = [self.executable] + list(args)
        rc, stdout, stderr = self._run_command(argv)
        document = parse_json(stdout)
        if rc == 0 and document is not None and not document.get('exception_name') \
                and document.get('success', True) is not False:
            return document
        name, message, story = describe_failure(what, document, stderr, self.executable, rc)
        raise CondaError(story, name, message, rc, argv)

    def run_silent(self, args, what):
        """Run ``conda args`` for a command that has no ``--json`` and prints nothing when it succeeds."""
        argv = [self.executable] + list(args)
        rc, stdout, stderr = self._run_command(argv)
        if rc != 0:
            name, message, story = describe_failure(what, parse_json(stdout), stderr or stdout, self.executable, rc)
            raise CondaError(story, name, message, rc, argv)

    def _run_command(self, argv):
        if self.environ:
            return self.module.run_command(argv, check_rc=False, environ_update=dict(self.environ))
        return self.module.run_command(argv, check_rc=False)

    def explicit(self, verb, lock_path, prefix):
        """``conda create/install --file <lock>`` of an @EXPLICIT lock: no solve, and with ``--json`` no output at
        all, changed or not (recordings 108, 111-113, 115); a failure is still a JSON error."""
        self.run_silent([verb, '--json', '-y', '-p', prefix, '--file', lock_path], 'conda %s --file' % verb)

    def set_config(self, condarc, key, value):
        """``conda config --file <condarc> --set key value`` (what ``conda config --env`` writes for an active env)."""
        self.run_silent(['config', '--file', condarc, '--set', key, value], 'conda config --set %s' % key)

    def set_env_vars(self, prefix, variables):
        """``conda env config vars set NAME=VALUE ...``: stored in the env's conda-meta/state (recording 95)."""
        pairs = ['%s=%s' % (name, variables[name]) for name in sorted(variables)]
        self.run_silent(['env', 'config', 'vars', 'set', '-p', prefix] + pairs, 'conda env config vars set')

    def unset_env_vars(self, prefix, names):
        """``conda env config vars unset NAME ...`` (conda keeps them as ``***unset***``, recording 103)."""
        self.run_silent(['env', 'config', 'vars', 'unset', '-p', prefix] + sorted(names),
                        'conda env config vars unset')

    @staticmethod
    def _target(prefix=None, name=None):
        return ['-p', prefix] if prefix else ['-n', name]

    @staticmethod
    def _channels(channels, override_channels):
        args = []
        if override_channels:
            args.append('--override-channels')
        for channel in channels or ():
            args += ['-c', channel]
        return args

    def install(self, prefix, specs, channels=(), override_channels=False, dry_run=False):
        """``conda install`` of all ``specs`` in one transaction."""
        return self._transaction('install', self._target(prefix), specs, channels, override_channels,
                                 dry_run)

    def create(self, specs, prefix=None, name=None, channels=(), override_channels=False, dry_run=False):
        """``conda create`` of a new env (callers make sure it does not exist: conda would delete it)."""
        return self._transaction('create', self._target(prefix, name), specs, channels, override_channels,
                                 dry_run)

    def remove(self, prefix, names, dry_run=False, force=False):
        """``conda remove`` of ``names`` (and of whatever depends on them, as conda does, unless ``force``:
        ``--force`` removes only those, with no solve)."""
        return self._transaction('remove', self._target(prefix) + (['--force'] if force else []), names, (),
                                 False, dry_run)

    def update_all(self, prefix, channels=(), override_channels=False, dry_run=False):
        return self._transaction('update', self._target(prefix) + ['--all'], [], channels,
                                 override_channels, dry_run)

    def remove_env(self, prefix):
        """``conda remove --all``: the whole env and its folder."""
        return self.run(['remove', '--all', '-y', '--json'] + self._target(prefix), 'conda remove --all')

    def info(self):
        return self.run(['info', '--json'], 'conda info')

    def _transaction(self, verb, target, specs, channels, override_channels, dry_run):
        args = [verb, '--json'] + (['--dry-run'] if dry_run else ['-y']) + target
        args += self._channels(channels, override_channels) + list(specs)
        return self.run(args, 'conda %s%s' % (verb, ' --dry-run' if dry_run else ''))
