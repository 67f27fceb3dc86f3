"""Commands that change (or would change) a prefix: create, install, update, remove, env *."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from . import errors, linker
from . import prefix as meta
from . import specs as spec_mod
from .channels import check_tos, native_subdir, resolve
from .config import Context
from .plan import Plan
from .report import ACTIVATE_HINT, actions_json, package_plan, print_json

RETRYING = ('Solving environment: ...working... unsuccessful initial attempt using frozen solve. '
            'Retrying with flexible solve.\n')
COLLECTING = 'Collecting package metadata ({}): ...working... done\n'
SOLVING = 'Solving environment: ...working... done\n'
EXECUTING = ('Downloading and Extracting Packages: ...working... done\n'
             'Preparing transaction: ...working... done\n'
             'Verifying transaction: ...working... done\n'
             'Executing transaction: ...working... done\n')
NOTHING_TO_DO = 'All requested packages already installed.'
VALID_ENV_KEYS = ('dependencies', 'name', 'prefix', 'channels', 'variables')
PIP_NAG = ("Warning: you have pip-installed dependencies in your environment file, but you do not list "
           "pip itself as one of your conda dependencies.  Conda may not use the correct pip to install "
           "your packages, and they may end up in the wrong place.  Please add an explicit pip dependency."
           "  I'm adding one for you, but still nagging you.")


class Transaction:
    """One run of a prefix-changing command, from its parsed arguments to its output."""

    def __init__(self, ctx: Context, args, argv: list[str]):
        self.ctx, self.args, self.argv = ctx, args, argv
        self.as_json = bool(getattr(args, 'json', False))
        self.text = not self.as_json
        self.cli_channels = getattr(args, 'channels', None) or []
        self.override = bool(getattr(args, 'override_channels', False))
        # Set by env create/update from the file: run after the conda transaction, as conda does.
        self.pip_specs = None
        self.env_variables = None
        # `conda env update` runs conda's env installer (conda/env/installers/conda.py): repodata.json
        # only, no plan, no prompt (80; real conda 26.7.1 with changes to make, and into a new prefix).
        self.env_installer = False

    # -- helpers ---------------------------------------------------------------------------
    def say(self, text: str) -> None:
        if self.text:
            sys.stdout.write(text)
            sys.stdout.flush()

    def solve(self, index, *args, **kwargs):
        """index.solve, printing conda's two failed attempts before a solve error."""
        try:
            return index.solve(*args, **kwargs)
        except errors.CondaError:
            self.say(RETRYING + COLLECTING.format('repodata.json') + RETRYING)
            raise

    def index(self, file_channels=None):
        names = self.ctx.channels_for(self.cli_channels, self.override, file_channels)
        channels = resolve(names, self.ctx.channel_alias)
        check_tos(channels, self.ctx.root, self.ctx.home)
        from .solver import Index  # rattler is loaded only by commands that solve

        return Index(channels, native_subdir())

    def history_argv(self) -> list[str]:
        argv0 = os.environ.get('MACFLEET_STANDIN_ARGV0') or str(self.ctx.root / 'bin' / 'conda')
        from .channels import mask

        return [argv0] + [mask(a) for a in self.argv]

    def confirm(self) -> None:
        if self.args.yes or self.as_json:
            return
        sys.stdout.write('Proceed ([y]/n)? ')
        sys.stdout.flush()
        answer = sys.stdin.readline().strip().lower() if sys.stdin.isatty() else ''
        sys.stdout.write('\n\n')
        if answer not in ('', 'y', 'yes'):
            raise errors.CondaExit('CondaSystemExit', 'Exiting.')

    # -- the shared end of every transaction -----------------------------------------------
    def finish(self, plan: Plan, spec_lines, shown_specs, *, creating=False, activate=None,
               nothing_to_do_text='\n# All requested packages already installed.\n\n') -> int:
        if plan.empty and not creating and not plan.removing_env:
            if self.text:
                self.say(nothing_to_do_text)
            pip = self.after_conda(plan.prefix)  # env update: pip runs even so (80-82)
            if self.as_json:
                print_json({'success': True, 'message': NOTHING_TO_DO} if pip is None else
                           {'success': True, 'actions': {'PIP': pip}, 'prefix': str(plan.prefix)})
            else:
                self.activate_hint(activate)
            return 0
        fetch = plan.fetch(self.ctx.pkgs_dirs)
        dry_run = bool(getattr(self.args, 'dry_run', False))
        if self.as_json and dry_run:
            print_json(actions_json(plan.prefix, fetch, plan.unlink, plan.link, True))
            return 0
        if self.text and self.env_installer:
            self.say('\n')
        elif self.text:
            self.say(package_plan(plan.prefix, shown_specs, fetch, plan.unlink, plan.link))
            if dry_run:
                raise errors.CondaExit('DryRunExit', 'Dry run. Exiting.')
            self.confirm()
        self.execute(plan, spec_lines, creating)
        self.say(EXECUTING)
        pip = self.after_conda(plan.prefix)
        if self.as_json:
            document = actions_json(plan.prefix, fetch, plan.unlink, plan.link, False)
            if pip is not None:
                document['actions']['PIP'] = pip
            print_json(document)
        else:
            self.activate_hint(activate)
        return 0

    def activate_hint(self, activate) -> None:
        """conda/cli/common.py print_activate: not with -q, a name with a space in quotes."""
        if activate and not getattr(self.args, 'quiet', False):
            self.say(ACTIVATE_HINT.format(name=f'"{activate}"' if ' ' in str(activate) else activate))

    def after_conda(self, prefix: Path):
        """An env file's ``pip:`` requirements, then its ``variables:``: the names pip says it
        installed (``actions.PIP``), or None."""
        pip = self.run_pip(prefix) if self.pip_specs else None
        if self.env_variables:
            from .env_vars import set_vars

            set_vars(self.ctx, prefix, self.env_variables)
        return pip

    def run_pip(self, prefix: Path):
        """conda/env/installers/pip.py: the requirements go to ``condaenv.*.requirements.txt`` beside
        the env file (if that folder is writable), run as ``<prefix>/bin/python -m pip install -U -r
        <file> --exists-action=b`` in the activated env; text mode prints the command and pip's whole
        stdout (77, 80), a failure prints pip's stderr and is CondaEnvException: Pip failed."""
        workdir = os.path.dirname(os.path.abspath(self.args.file))
        workdir = workdir if os.access(workdir, os.W_OK) else None
        self.say('Installing pip dependencies: ...working... ')
        with tempfile.NamedTemporaryFile('w', prefix='condaenv.', suffix='.requirements.txt',
                                         dir=workdir, delete=False, encoding='utf-8') as handle:
            handle.write('\n'.join(self.pip_specs))
        argv = [str(prefix / 'bin' / 'python'), '-m', 'pip', 'install', '-U', '-r', handle.name,
                '--exists-action=b']
        from .env_vars import get_vars

        env = dict(os.environ, CONDA_PREFIX=str(prefix),
                   PATH=os.pathsep.join([str(prefix / 'bin'), os.environ.get('PATH', '')]))
        env.update({k: str(v) for k, v in get_vars(prefix).items()})  # activation exports them
        try:
            done = subprocess.run(argv, cwd=workdir or prefix, env=env, capture_output=True, check=False)
        except OSError as exc:
            done = subprocess.CompletedProcess(argv, 1, b'', str(exc).encode())
        finally:
            os.unlink(handle.name)
        stdout = done.stdout.decode('utf-8', 'replace')
        if self.text and not getattr(self.args, 'quiet', False):
            sys.stdout.write(f'Ran pip subprocess with arguments:\n{argv}\nPip subprocess output:\n{stdout}\n')
        if done.returncode != 0:
            sys.stderr.write('Pip subprocess error:\n' + done.stderr.decode('utf-8', 'replace') + '\n')
            self.say('failed\n')
            raise errors.CondaEnvException('Pip failed')
        self.say('done\n')
        match = re.search(r'Successfully installed (.*)', stdout)
        return match.group(1).strip().split() if match else None

    def execute(self, plan: Plan, spec_lines, creating: bool) -> None:
        prefix = plan.prefix
        unlink, link = plan.unlink, plan.link
        # conda verifies every transaction against the conda package of the root prefix
        # (conda/core/link.py, _verify_transaction_level), so a broken record in base fails
        # transactions into every env, `create -n newenv` included (recording 125).
        meta.read_records(self.ctx.root)
        if plan.removing_env:
            shutil.rmtree(prefix, ignore_errors=True)
            meta.unregister(self.ctx.home, prefix)
            return
        if creating:
            meta.mark_created(prefix)
        pkgs = self.ctx.writable_pkgs_dir()
        python_minor = plan.python_minor()
        for record in unlink:
            linker.unlink(prefix, record)
        for record in link:
            extracted = linker.cached_dir(self.ctx.pkgs_dirs, record)
            if extracted is None:
                extracted = linker.fetch(record, plan.source_url(record), pkgs)
            linker.link(prefix, extracted, record, plan.requested.get(record['name']), python_minor,
                        extracted.parent / record['fn'])
        meta.append_history(prefix, self.history_argv(), unlink, link, spec_lines)
        if creating and prefix != self.ctx.root:
            meta.register(self.ctx.home, prefix)

    # -- commands --------------------------------------------------------------------------
    def parse_specs(self, texts) -> list:
        for text in texts:
            # conda reads a command-line spec naming a package file in its url key as the path of an
            # explicit package and fails (real conda 26.7: numpy[url="file:///.../x.tar.bz2"]).
            if text.rstrip('"\']').endswith(('.tar.bz2', '.conda')) and '[' in text:
                raise errors.ParseError('Could not parse explicit URL: file://'
                                        + os.path.normpath(os.path.abspath(text)))
        return [spec_mod.parse(t) for t in texts]

    def target(self) -> Path:
        return self.ctx.target_prefix(self.args.name, self.args.prefix)

    def existing_target(self) -> Path:
        return meta.assert_environment(self.target())

    def create(self, texts=None, file_channels=None, ask=True, activate=None) -> int:
        specs = self.parse_specs(self.args.specs if texts is None else texts)
        prefix = self.target()
        if self.override and not self.cli_channels:
            self.ctx.channels_for(self.cli_channels, self.override)
        if meta.is_env(prefix) and not getattr(self.args, 'dry_run', False):
            if prefix == self.ctx.root:
                raise errors.CondaValueError('The target prefix is the base prefix. Aborting.')
            if ask and not (self.args.yes or self.as_json):
                self.ask_remove_existing(prefix)
        self.say(COLLECTING.format('repodata.json' if self.env_installer else 'current_repodata.json'))
        final = self.solve(self.index(file_channels), specs, [], []) if specs else []
        self.say(SOLVING)
        if meta.is_env(prefix) and not getattr(self.args, 'dry_run', False):
            shutil.rmtree(prefix)
        plan = Plan(prefix, {}, final, {s.name: s.text for s in specs})
        return self.finish(plan, [('update', [s.text for s in specs])], [s.text for s in specs],
                           creating=True, activate=activate or (self.args.name or str(prefix)))

    def ask_remove_existing(self, prefix: Path) -> None:
        sys.stdout.write(
            f"WARNING: A conda environment already exists at '{prefix}'\n\n"
            'Remove existing environment?\nThis will remove ALL directories contained within '
            'this specified prefix directory, including any other conda environments.\n\n (y/[n])? ')
        sys.stdout.flush()
        answer = sys.stdin.readline().strip().lower() if sys.stdin.isatty() else ''
        sys.stdout.write('\n\n')
        if answer not in ('y', 'yes'):
            raise errors.CondaExit('CondaSystemExit', 'Exiting.')

    def install(self, texts=None, file_channels=None, prune=False, activate=None,
                update_names=False) -> int:
        requested = self.parse_specs(self.args.specs if texts is None else texts)
        prefix = self.existing_target()
        installed = meta.read_records(prefix)
        if update_names:
            for spec in requested:
                if spec.name not in installed:
                    raise errors.PackageNotInstalledError(prefix, spec.name)
        index = self.index(file_channels)
        self.say(COLLECTING.format('repodata.json' if activate else 'current_repodata.json'))
        names = {s.name for s in requested}
        if prune:
            solve_specs, pinned = list(requested), []
        else:
            history = meta.requested_specs(prefix)
            solve_specs = list(requested) + [spec_mod.parse(text) for name, text in history.items()
                                             if name not in names and name in installed]
            pinned = [r for n, r in installed.items() if n not in names]
        solve_specs += self.python_pin(installed, {s.name for s in solve_specs})
        preferred = [r for n, r in installed.items() if n not in names]
        # --freeze-installed forbids the retry that may change installed packages.
        flexible_retry = not getattr(self.args, 'freeze_installed', False)
        final = self.solve(index, solve_specs, preferred, pinned, flexible_retry=flexible_retry)
        self.say(SOLVING)
        plan = Plan(prefix, installed, final, {s.name: s.text for s in requested})
        shown = [s.text for s in requested]
        return self.finish(plan, [('update', shown)], shown, activate=activate,
                           nothing_to_do_text=('' if activate else
                                               '\n# All requested packages already installed.\n\n'))

    @staticmethod
    def python_pin(installed: dict, named: set) -> list:
        """conda never moves python to another minor version unless python is asked for."""
        python = installed.get('python')
        if not python or 'python' in named:
            return []
        return [spec_mod.parse('python=' + '.'.join(python['version'].split('.')[:2]))]

    def update(self) -> int:
        if not self.args.all:
            if not self.args.specs:
                raise errors.CondaValueError('no package names supplied')
            return self.install(update_names=True)
        prefix = self.existing_target()
        installed = meta.read_records(prefix)
        index = self.index()
        self.say(COLLECTING.format('current_repodata.json'))
        specs = [spec_mod.bare(name) for name in installed if name != 'python']
        specs += self.python_pin(installed, set())
        final = self.solve(index, specs, [], [])
        self.say(SOLVING)
        plan = Plan(prefix, installed, final, {})
        history = meta.requested_specs(prefix)
        changed = {r['name'] for r in plan.link}
        neutered = [name for name, text in history.items() if name in changed and text != name]
        return self.finish(plan, [('neutered', neutered)], [])

    def remove(self) -> int:
        prefix = self.existing_target() if not self.args.all else self.target()
        if self.args.all:
            return self.remove_env(prefix)
        requested = self.parse_specs(self.args.specs)
        installed = meta.read_records(prefix)
        missing = [s.text for s in requested if s.name not in installed]
        if missing:
            raise errors.PackagesNotFoundInPrefixError(prefix, missing)
        doomed = {s.name for s in requested}
        grew = True
        while grew:  # whatever depends on a removed package goes too
            grew = False
            for name, record in installed.items():
                deps = {spec_mod.parse(d).name for d in record.get('depends', [])}
                if name not in doomed and deps & doomed:
                    doomed.add(name)
                    grew = True
        final = [(r, '') for n, r in installed.items() if n not in doomed]
        plan = Plan(prefix, installed, final)
        return self.finish(plan, [('remove', [s.text for s in requested])],
                           [s.text for s in requested])

    def remove_env(self, prefix: Path) -> int:
        if prefix == self.ctx.root:
            raise errors.CondaEnvironmentError(
                'Cannot remove current environment. Deactivate and run conda remove again')
        plan = Plan(meta.assert_environment(prefix), meta.read_records(prefix), removing_env=True)
        return self.finish(plan, [], [])

    # -- env create / env update from a file ----------------------------------------------
    def read_env_file(self) -> dict:
        """The channels, conda dependencies, pip requirements and variables of an environment file,
        read as conda/env/env.py does: an unknown top-level key is dropped with the
        ``EnvironmentSectionNotValid`` lines on stdout (twice in text mode, once with --json:
        121, 122); a ``pip:`` list without pip among the conda dependencies adds pip with conda's
        nagging line; ``nodefaults`` is a channel name, as in conda (116, 118)."""
        path = Path(os.path.abspath(self.args.file))
        if not path.is_file():
            raise errors.EnvironmentFileNotFound(path)
        import yaml

        data = yaml.safe_load(path.read_text()) or {}
        if not isinstance(data, dict) or not self.schema_valid(data):
            raise errors.EnvironmentSpecPluginNotDetected()
        invalid = [key for key in data if key not in VALID_ENV_KEYS]
        if invalid:
            verb, plural = ('are', 's') if len(invalid) != 1 else ('is', '')
            block = (f"\nEnvironmentSectionNotValid: The following section{plural} on "
                     f"'{self.args.file}' {verb} invalid and will be ignored:\n"
                     + ''.join(f' - {key}\n' for key in invalid) + '\n')
            sys.stdout.write(block * (1 if self.as_json else 2))
        if not self.args.name and not self.args.prefix:
            if data.get('prefix') and not data.get('name'):
                self.args.prefix = data['prefix']
            else:
                self.args.name = data.get('name')
        if not self.args.name and not self.args.prefix:
            raise errors.CondaValueError('Unable to determine environment\n\n'
                                         'Please re-run this command with one of the following options:\n\n'
                                         '* Provide an environment name via --name or -n\n'
                                         '* Re-run this command inside an activated conda environment.')
        listed = data.get('dependencies') or []
        deps = [d for d in listed if isinstance(d, str)]
        pip = [req for d in listed if isinstance(d, dict) and d.get('pip') for req in d['pip']]
        if pip and not any('pip' in re.split(r'[<>~\s=]', d)[0].split('::') for d in deps):
            sys.stdout.write(PIP_NAG + '\n')
            deps.insert(0, 'pip')
        return {'channels': list(data.get('channels') or []), 'dependencies': deps,
                'pip': [str(req) for req in pip] or None, 'variables': data.get('variables') or None}

    @staticmethod
    def schema_valid(data: dict) -> bool:
        """What conda/env/env.py SCHEMA_VALIDATORS require: the types, and each dependency string a
        spec (real conda 26.7.1 refuses ``numpy>>1`` in a file as it refuses a null ``channels:``)."""
        types = {'name': str, 'prefix': str, 'dependencies': list, 'channels': list, 'variables': dict}
        if any(key in data and not isinstance(data[key], kind) for key, kind in types.items()):
            return False
        if not all(isinstance(c, str) for c in data.get('channels', [])):
            return False
        for dep in data.get('dependencies', []):
            if not isinstance(dep, (str, dict)):
                return False
            if isinstance(dep, str):
                try:
                    spec_mod.parse(dep)
                except errors.InvalidSpec:
                    return False
        return True

    def from_env_file(self) -> dict:
        env = self.read_env_file()
        self.pip_specs, self.env_variables = env['pip'], env['variables']
        return env

    def env_create(self) -> int:
        # conda/cli/main_env_create.py: conda.cli.main_create.execute with yes=True, so no
        # "Proceed ([y]/n)?" (35-38, 77, 79)
        self.args.yes = True
        env = self.from_env_file()
        return self.create(env['dependencies'], env['channels'], ask=False,
                           activate=self.args.name or self.args.prefix)

    def env_update(self) -> int:
        env = self.from_env_file()
        activate = self.args.name or self.args.prefix
        self.args.yes, self.env_installer = True, True   # into a missing prefix too (42)
        if not meta.is_env(self.target()):
            return self.create(env['dependencies'], env['channels'], ask=False, activate=activate)
        self.args.freeze_installed = False
        return self.install(env['dependencies'], env['channels'], prune=self.args.prune,
                            activate=activate)

    def env_remove(self) -> int:
        return self.remove_env(self.target())
