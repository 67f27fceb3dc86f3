"""A conda stand-in built on py-rattler, answering like the recordings in tests/fixtures/conda-recordings.

Our tests are only worth the stand-in's strictness: where it forgives what conda does not, a test
passes that real conda fails. So it refuses input the way conda 26.7 does, and every place where it
is still kinder than conda is listed here, with the recording or conda source file that shows
conda's behaviour. Audit of issue 9 (each refusal below is asserted in
tests/contract/test_foreign_record.py and test_standin_strictness.py, and was checked against a
real conda 26.7.1):

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
- Symlinks (linker.link; README item 17, recordings 77-93): an absolute softlink that points outside
  the package is linked as a copy of its target, as conda does (the real python's
  ``bin/python3.11 -> <this machine's interpreter>``); relative links stay links.

Still kinder than conda, and why that is safe for these tests:
- History in the pre-4.4 form (``# install specs: a,b``) is not read; neither this stand-in nor
  conda 26 writes it, and the collection only reads history written by conda 4.4+.
- ``.condarc``: an unreadable file is skipped (conda fails with a permission error); unknown keys
  and scalar settings of a wrong type are kept as given (conda 26.7.1 also accepts
  ``bogus_key: 1`` and ``always_yes: maybe``, checked with ``conda list``).
- Environment files (transact.read_env_file): a ``pip:`` sub-list is dropped instead of run through
  the env's pip (77-82), ``variables:`` are not stored (99, 100), an unknown key is ignored without
  the ``EnvironmentSectionNotValid`` line on stdout (121, 122). The modules refuse all three before
  conda runs, so no test reaches this code with them.
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
- Unexpected-error reports carry a short traceback of the stand-in, not conda's frames; tests
  compare the exception's name and message, never the traceback.
"""
