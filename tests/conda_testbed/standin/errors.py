"""conda's exceptions as the collection sees them: JSON on stdout with --json, text on stderr."""
from __future__ import annotations

import json
import sys


class CondaError(Exception):
    """One conda exception: its message, extra JSON fields and exit code."""

    exit_code = 1

    def __init__(self, message: str, **extra):
        super().__init__(message)
        self.message = message
        self.extra = extra

    @property
    def name(self) -> str:
        return type(self).__name__

    def as_json(self) -> dict:
        body = {
            'caused_by': 'None',
            'error': f'{self.name}: {self.message}',
            'exception_name': self.name,
            'exception_type': f"<class 'conda.exceptions.{self.name}'>",
            'message': self.message,
        }
        body.update(self.extra)
        return body

    def report(self, as_json: bool) -> int:
        if as_json:
            sys.stdout.write(json.dumps(self.as_json(), indent=2, sort_keys=True) + '\n\n')  # 52-69
        else:
            sys.stderr.write(f'\n{self.name}: {self.message}\n\n')
        return self.exit_code


class ArgumentError(CondaError):
    exit_code = 2


class ParseError(CondaError):
    pass


class CondaEnvironmentError(CondaError):
    pass


class CondaValueError(CondaError):
    pass


class CondaEnvException(CondaError):
    pass


class EnvironmentLocationNotFound(CondaError):
    def __init__(self, location):
        super().__init__(f'Not a conda environment: {location}', location=str(location))


class DirectoryNotACondaEnvironmentError(CondaError):
    def __init__(self, target_directory):
        super().__init__(
            'The target directory exists, but it is not a conda environment.\n'
            "Use 'conda create' to convert the directory to a conda environment.\n"
            f'  target directory: {target_directory}\n', target_directory=str(target_directory))


class InvalidTypeError(CondaError):
    """A `.condarc` value of the wrong type (conda/common/configuration.py), e.g. a string where
    conda wants a list; raised when the parameter is first read, as conda validates lazily."""

    def __init__(self, parameter_name, value, source, wrong_type, valid_types):
        super().__init__(
            f'Parameter {parameter_name} = {value!r} declared in {source} has type {wrong_type}.\n'
            f'Valid types:\n  - {valid_types}',
            parameter_name=parameter_name, parameter_value=value, source=str(source),
            valid_types=valid_types, wrong_type=wrong_type)

    def as_json(self) -> dict:
        body = super().as_json()
        body['exception_type'] = "<class 'conda.common.configuration.InvalidTypeError'>"
        return body


class EnvironmentSpecPluginNotDetected(CondaError):
    """An env file no environment-spec plugin accepts, e.g. one whose keys fail conda/env/env.py's
    SCHEMA_VALIDATORS (real conda 26.7.1: ``dependencies: [python=3.9, 42]``, ``variables: [a]``)."""

    def __init__(self):
        super().__init__(
            'Unable to detect the environment format for the provided file.\n'
            'Please add to your prior command: --env-spec <format>\n\nAvailable formats:\n'
            '    - cep-24: CEP-24 compliant YAML environment specification\n'
            '    - environment.yml: Standard YAML environment specification with dependencies\n'
            '    - explicit: Explicit package URLs for fully reproducible environments\n'
            '    - requirements.txt: Simple text file with package specifications')


class EnvironmentFileNotFound(CondaError):
    def __init__(self, filename):
        super().__init__(f"'{filename}' file not found", filename=str(filename))


class PackageNotInstalledError(CondaError):
    def __init__(self, prefix, package_name):
        super().__init__(
            f'Package is not installed in prefix.\n  prefix: {prefix}\n  package name: {package_name}\n',
            package_name=package_name, packages_formatted='', prefix=str(prefix))


def _bullets(items) -> str:
    return ''.join(f'\n  - {item}' for item in items)


class PackagesNotFoundInPrefixError(CondaError):
    def __init__(self, prefix, names):
        formatted = _bullets(names)
        super().__init__(
            'The following packages are missing from the target environment:\n'
            f'  prefix: {prefix}\n{formatted}\n',
            package_name=list(names), packages_formatted=formatted, prefix=str(prefix))


class PackagesNotFoundInChannelsError(CondaError):
    def __init__(self, specs, channel_urls):
        packages, channels = _bullets(specs), _bullets(channel_urls)
        super().__init__(
            f'The following packages are not available from current channels:\n{packages}\n\n'
            f'Current channels:\n{channels}\n\n'
            "To search for alternate channels that may provide the conda package you're\n"
            'looking for, navigate to\n\n    https://anaconda.org\n\n'
            'and use the search bar at the top of the page.\n',
            channel_urls=list(channel_urls), channels_formatted=channels,
            packages=list(specs), packages_formatted=packages)


UNSATISFIABLE_GUIDANCE = {
    'cause': 'Some requested packages have conflicting version constraints; '
             'The operation conflicts with a past explicit install specification',
    'hint_codes': ['review_conflicting_specs', 'check_pinned_packages', 'update_conda'],
    'hints': [
        {'hint_code': 'review_conflicting_specs',
         'text': 'Review the conflicting specifications above and adjust version ranges or package names.'},
        {'hint_code': 'check_pinned_packages',
         'text': 'Check for pinned packages:\n      conda config --show pinned_packages'},
        {'hint_code': 'update_conda', 'text': 'Update conda and try again:\n      conda update conda'},
    ],
    'summary': 'Conda could not find a compatible set of packages to satisfy the requested specifications.',
}


class UnsatisfiableError(CondaError):
    def __init__(self, explanation: str, conflicts: list):
        super().__init__(
            'The following specifications were found to be incompatible with each other:\n\n'
            f'{explanation}',
            guidance=UNSATISFIABLE_GUIDANCE, unsatisfiable=conflicts)


class UnavailableInvalidChannel(CondaError):
    def __init__(self, channel_name: str, channel_url: str, missing_path: str):
        message = (
            f'HTTP 404 UNAVAILABLE OR INVALID for channel {channel_name} <{channel_url}>\n\n'
            'The channel is not accessible or is invalid.\n\n'
            'You will need to adjust your conda configuration to proceed.\n'
            "Use `conda config --show channels` to view your configuration's current state,\n"
            'and use `conda config --show-sources` to view config file locations.\n\n'
            'As of conda 4.3, a valid channel must contain a\n'
            '`noarch/repodata.json` even if `noarch/repodata.json` is\n'
            f'empty. Use `conda index {missing_path.rsplit("/noarch/", 1)[0]}`, '
            'or create `noarch/repodata.json`\n')
        super().__init__(
            message, channel_name=channel_name, channel_url=channel_url,
            json={'error': 'file does not exist',
                  'exception': "FileNotFoundError(2, 'No such file or directory')",
                  'path': missing_path},
            reason='UNAVAILABLE OR INVALID',
            response_details='\n<<FILE 404 None\n< Elapsed: 00:00.000049\n\n', status_code=404)


class CondaHTTPError(CondaError):
    """A channel on a host that cannot be reached: the stand-in has no network (recording 118)."""

    def __init__(self, url: str, caused_by: str):
        message = (f'HTTP 000 CONNECTION FAILED for url <{url}>\nElapsed: -\n\n'
                   'An HTTP error occurred when trying to retrieve this URL.\n'
                   'HTTP errors are often intermittent, and a simple retry will get you on your way.\n'
                   f"'{url.replace('://', '//', 1).rsplit('/', 1)[0]}'\n")
        super().__init__(message, caused_by=caused_by, elapsed_time='-', json={}, reason='CONNECTION FAILED',
                         response_details='', status_code='000', url=url)


class CondaToSNonInteractiveError(CondaError):
    def __init__(self, channel_urls):
        accept = [f'conda tos accept --override-channels --channel {url}' for url in channel_urls]
        super().__init__(
            'Terms of Service have not been accepted for the following channels. '
            'Please accept or remove them before proceeding:\n'
            + '\n'.join(f'    - {url}' for url in channel_urls) + '\n\n'
            "To accept these channels' Terms of Service, run the following commands:\n"
            + '\n'.join(f'    {cmd}' for cmd in accept) + '\n\n'
            'For information on safely removing channels from your conda configuration,\n'
            'please see the official documentation:\n'
            'https://www.anaconda.com/docs/tools/working-with-conda/channels')

    def as_json(self) -> dict:
        body = super().as_json()
        body['exception_type'] = "<class 'conda_anaconda_tos.exceptions.CondaToSNonInteractiveError'>"
        return body


class CorruptedEnvironmentError(CondaError):
    """A ``conda-meta/*.json`` that is not JSON (conda/core/prefix_data.py ``_load_single_record``)."""

    def __init__(self, prefix, corrupted_file):
        super().__init__(
            'The target environment has been corrupted. Corrupted environments most commonly\n'
            'occur when the conda process is force-terminated while in an unlink-link\n'
            'transaction.\n'
            f'  environment location: {prefix}\n'
            f'  corrupted file: {corrupted_file}\n',
            environment_location=str(prefix), corrupted_file=str(corrupted_file))


class UnexpectedError(Exception):
    """A Python exception conda does not catch (a bug, or input it never expected), such as the
    ``ValueError`` of a ``conda-meta/*.json`` whose name is not ``<name>-<version>-<build>.json``.
    conda reports it through ``conda/exception_handler.py`` (recordings 72-75, 125): with ``--json``
    a JSON report on stdout (error, exception_name, exception_type, command, traceback,
    conda_info), without it an ERROR REPORT on stderr; exit 1 either way."""

    def __init__(self, cause: BaseException, where: str):
        super().__init__(repr(cause))
        self.cause, self.where = cause, where

    def traceback(self) -> str:
        return ('Traceback (most recent call last):\n'
                '  File "conda/exception_handler.py", line 30, in __call__\n'
                f'  File "{self.where}"\n'
                f'{type(self.cause).__name__}: {self.cause}\n')

    def report(self, as_json: bool, command: str, conda_info: dict) -> int:
        if as_json:
            body = {'error': repr(self.cause), 'exception_name': type(self.cause).__name__,
                    'exception_type': str(type(self.cause)), 'command': command,
                    'traceback': self.traceback()}
            if conda_info is not None:
                body['conda_info'] = conda_info
            sys.stdout.write(json.dumps(body, indent=2))   # no final newline (72, 73, 125)
        else:
            indented = ''.join(f'    {line}\n' for line in self.traceback().splitlines())
            sys.stderr.write(
                '\n# >>>>>>>>>>>>>>>>>>>>>> ERROR REPORT <<<<<<<<<<<<<<<<<<<<<<\n\n'
                f'{indented}\n`$ {command}`\n\n'
                'An unexpected error has occurred. Conda has prepared the above report.\n\n'
                'If you suspect this error is being caused by a malfunctioning plugin,\n'
                'consider using the --no-plugins option to turn off plugins.\n\n'
                'Example: conda --no-plugins install <package>\n\n'
                'Alternatively, you can set the CONDA_NO_PLUGINS environment variable on\n'
                'the command line to run the command without plugins enabled.\n\n'
                'Example: CONDA_NO_PLUGINS=true conda install <package>\n\n')
        return 1


class InvalidSpec(Exception):
    """A spec conda refuses: ``kind`` is the conda exception raised deep inside its parser."""

    def __init__(self, spec: str, reason: str, kind: str, inner: str):
        super().__init__(f"Invalid spec '{spec}': {reason}")
        self.spec, self.reason, self.kind, self.inner = spec, reason, kind, inner


class CondaExit(Exception):
    """conda's CondaSystemExit / DryRunExit: a message on stderr and exit 0."""

    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name, self.message = name, message

    def report(self) -> int:
        sys.stderr.write(f'\n{self.name}: {self.message}\n\n')
        return 0
