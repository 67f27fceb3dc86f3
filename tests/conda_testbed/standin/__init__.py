"""A conda stand-in built on py-rattler, answering like the recordings in tests/fixtures/conda-recordings.

Our tests are only worth the stand-in's strictness: where it forgives what conda does not, a test
passes that real conda fails. So it refuses input the way conda 26.7 does, and every place where it
is still kinder than conda is listed here, with the recording or conda source file that shows
conda's behaviour. Audit of issue 9 (each refusal below is asserted in
tests/contract/test_foreign_record.py, test_standin_strictness.py and test_standin_env_file.py, and
was checked against a real conda 26.7.1):

Now as strict as conda:
- Prefix loading (prefix.read_records; conda/core/prefix_data.py ``_load_single_record``): every
  ``conda-meta/*.json`` but ``._*`` is a record named ``<name>-<version>-<build>.json``. A foreign
  file crashes every command that loads the prefix, and every transaction loads base (recordings
  72-76, 125); bad JSON is ``CorruptedEnvironmentError``; a record unlike its file name is ignored
  with conda's warning.
- What an env is: ``conda-meta/history`` (prefix.is_env; ``is_environment``); an existing folder
  that is not one is ``DirectoryNotACondaEnvironmentError`` for list, install, remove and env remove.
- History (prefix.requested_specs; conda/history.py): a specs line that is not a literal crashes.
- ``.condarc`` (config.py; conda/common/configuration.py): YAML that does not parse crashes every
  command; a list setting given as a scalar is ``InvalidTypeError`` when it is read.
- Env names (config.Context; conda/core/prefix_data.py ``from_name``, ``validate_name``): a path
  separator is refused; a new name with ``/``, space, ``:`` or ``#`` is refused.
- Unknown options: argparse's usage error, exit 2, as conda.
- A command-line spec naming a package file in brackets (``numpy[url="file:///.../x.tar.bz2"]``) is read
  as the path of an explicit package and fails with ``ParseError: Could not parse explicit URL``
  (transact.parse_specs; seen with real conda 26.7.1 built from conda's source, 2026-12-03).
- Removing beside pip: real conda 26.7.1 relinks pip (unlinks and links the same build) when it removes
  packages next to it from an env made from the test bed's channel; the stand-in does not. Tests compare
  the net change (and the modules' check mode asks ``conda remove --dry-run``, so both predict exactly).
- A channel on a host it cannot reach (there is no network here): ``CondaHTTPError`` HTTP 000
  CONNECTION FAILED for the subdir's ``current_repodata.json``, token included, as recording 118 and
  real conda 26.7.1 for a refused connection (it was ``UnavailableInvalidChannel`` before; found by the
  fault matrix against real conda, 2026-12-03).
- Environment files with ``pip:``, ``variables:`` and unknown keys (transact.read_env_file,
  after_conda, run_pip; env_vars.py), asserted against the recordings in
  tests/contract/test_standin_env_file.py: the ``pip:`` list goes to ``condaenv.*.requirements.txt``
  beside the env file (the temp dir if that folder is not writable; conda/env/pip_util.py
  ``get_pip_workdir``), removed afterwards, and runs as ``<prefix>/bin/python -m pip install -U -r
  <file> --exists-action=b`` with the file's folder (else the prefix) as cwd, after the conda
  transaction, on every ``env create`` and ``env update`` (77, 79, 80); text mode prints that command
  and pip's stdout, ``-q`` neither (nor the activation hint), ``--json`` reports ``actions.PIP`` from
  pip's "Successfully installed" (78, 82) or "All requested packages already installed." (81); a pip
  failure prints pip's stderr and is ``CondaEnvException: Pip failed``, exit 1, the conda part kept
  and no variables stored (real conda 26.7.1; conda/env/pip_util.py ``pip_subprocess``); a ``pip:``
  list without pip among the dependencies adds pip with conda's "still nagging you" line, once, on
  stdout, before the JSON too (real conda 26.7.1; conda/env/env.py ``validate_keys``).
  ``variables:`` are stored after pip, in ``conda-meta/state`` as conda.common.serialize.json writes
  it (indent 2, no final newline, YAML numbers kept as numbers: 100), by ``env update`` too;
  ``config vars unset`` leaves ``***unset***`` (103), which ``vars list`` leaves out (101, 104). An
  unknown top-level key prints ``EnvironmentSectionNotValid`` on stdout, twice in text mode, once
  before the JSON with --json, and is ignored (121, 122); a key of the wrong type (``channels:``
  null, ``variables:`` a list, a dependency that is neither string nor mapping, or no spec such as
  ``numpy>>1``) is ``EnvironmentSpecPluginNotDetected``, nothing made (real conda 26.7.1). ``env create`` never asks (conda runs
  ``main_create`` with ``yes=True``); ``env update`` prints no plan and asks nothing
  (conda/env/installers/conda.py). JSON documents end as conda's do: no newline after a success
  document, one blank line after an error report (03, 52, 78, 96).
- ``@EXPLICIT`` locks (explicit.py; conda/misc.py, README item 14, recordings 107-115, checked with real conda
  26.7.1, 2026-12-04): ``create``/``install --file`` print nothing with ``--json``, changed or not; no solve;
  what the lock does not list stays; ``--dry-run`` exits 0 silently; every package is fetched before anything
  is linked: a missing ``file://`` package is ``PathNotFoundError``, an unreachable URL ``CondaHTTPError``, a
  downloaded package unlike the lock's md5/sha256 ``ChecksumMismatchError``, each in ``CondaMultiError``
  (listed twice, as conda does); a name listed twice is ``CondaValueError``; a failed create leaves no folder.
  A ``file://`` package is copied without checking the lock's hash and its record keeps the lock's md5, as
  real conda does (the collection checks local packages itself). ``remove --force`` removes only the named
  packages. ``config --file F``/``--env --set KEY VALUE`` starts a missing file as a copy of the root's
  ``.condarc``, as real conda 26.7.1 does.
- Symlinks (linker.link; README item 17, recordings 77-93): an absolute softlink that points outside
  the package is linked as a copy of its target, as conda does (the real python's
  ``bin/python3.11 -> <this machine's interpreter>``); relative links stay links.

Still kinder than conda, and why that is safe for these tests:
- History in the pre-4.4 form (``# install specs: a,b``) is not read; neither this stand-in nor
  conda 26 writes it, and the collection only reads history written by conda 4.4+.
- ``.condarc``: an unreadable file is skipped (conda fails with a permission error); unknown keys
  and scalar settings of a wrong type are kept as given (conda 26.7.1 also accepts
  ``bogus_key: 1`` and ``always_yes: maybe``, checked with ``conda list``).
- Environment files, what still differs from conda (transact.read_env_file, run_pip):
  - ``current_repodata.json`` is never read (the test channel has none; the recording machine's had
    one), so ``conda create``/``env create`` never print conda's "unsuccessful attempt using repodata
    from current_repodata.json, retrying with next repodata source." and the first solve is not tried
    against the latest versions only (99, 119-122). test_standin_env_file.py leaves those two lines
    out of the recordings, and says so.
  - pip runs with ``CONDA_PREFIX``, the env's ``bin`` first on ``PATH`` and its config vars; conda runs
    it in a script that does ``eval "$(conda shell.posix hook)"; conda activate <prefix>``
    (conda/utils.py ``wrap_subprocess_call``, gateways/subprocess.py ``any_subprocess``), which also
    runs the env's ``etc/conda/activate.d`` scripts and sets ``CONDA_DEFAULT_ENV``/``CONDA_SHLVL``. No
    package of the test channel has activate.d scripts.
  - a ``pip:`` item that is not a string is written as text (conda: ``TypeError: sequence item 0:
    expected str instance, int found``, real conda 26.7.1). A dependency is judged a spec by the
    stand-in's parser (specs.py), not by conda's MatchSpec.
  - ``CONDA_TEST_SAVE_TEMPS`` (conda keeps the requirements file) is not honoured; an env file given
    as a URL is not fetched (EnvironmentFileNotFound, stricter than conda).
  The collection's modules refuse ``pip:`` items that are not strings and unknown keys before conda
  runs.
- Lock files: none. conda locks only its downloads and repodata cache
  (conda/gateways/disk/lock.py, used by gateways/connection/download.py and gateways/repodata);
  the stand-in reads a local channel. Neither locks a prefix, so concurrent runs on one env behave
  alike.
- File modes: the tests run as root, so a read-only prefix is writable for both; conda's
  ``EnvironmentNotWritableError`` (prefix_data.py ``assert_writable``) is not modelled. Package
  files keep the mode of the extracted package in both.
- ``envs/.conda_envs_dir_test``: conda touches this writability probe of the envs dir in a create,
  failed ones too (conda/gateways/disk/create.py ``create_envs_directory``); the stand-in does not.
  It is conda's, empty, and never read by the collection; the fault matrix leaves it out of its
  "host unchanged" snapshot.
- ``@EXPLICIT`` (explicit.py): the history's ``update specs`` name the channel by its last path parts
  (``channel/noarch::...``) where conda names a default channel ``defaults/noarch::``; a ``CondaHTTPError``
  for a package keeps the repodata form's last line; text mode prints only the download line, not the
  package plan (the collection always runs locks with ``--json``). ``config --set`` edits the file's lines
  (conda round-trips YAML with ruamel: same result for the flat keys the collection sets) and knows no other
  ``config`` action.
- Unexpected-error reports carry a short traceback of the stand-in, not conda's frames; tests
  compare the exception's name and message, never the traceback.
"""
