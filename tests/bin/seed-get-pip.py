"""Seed ansible-test's get-pip cache so its sanity venvs bootstrap pip offline.

ansible-test downloads a ``get-pip`` script before it builds each sanity venv and
uses a cached copy when one exists. This machine reaches only the package
registries, so we place a stand-in that bootstraps pip with ``ensurepip`` and then
installs what ansible-test asked for from the registry, as the real script would.
"""
from __future__ import annotations

import pathlib
import re
import sys

GET_PIP = '''\
import subprocess
import sys

subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"])
args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
if args:
    subprocess.check_call([sys.executable, "-m", "pip", "install"] + args)
'''


def pinned_pip_version() -> str:
    """Read the pip version ansible-test pins, so an ansible-core upgrade keeps working."""
    import ansible_test  # pylint: disable=import-outside-toplevel

    source = pathlib.Path(ansible_test.__file__).parent / '_internal' / 'python_requirements.py'
    match = re.search(r"pip='([0-9.]+)'", source.read_text())
    if not match:
        sys.exit('cannot find the pip version pinned by ansible-test in %s' % source)
    return match.group(1)


def main() -> None:
    version = pinned_pip_version().replace('.', '_')
    cache = pathlib.Path.home() / '.ansible' / 'test' / 'cache' / ('get_pip_%s.py' % version)
    cache.parent.mkdir(parents=True, exist_ok=True)
    if not cache.exists() or cache.read_text() != GET_PIP:
        cache.write_text(GET_PIP)
    print(cache)


if __name__ == '__main__':
    main()
