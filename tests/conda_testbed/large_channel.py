"""A channel with tens of thousands of repodata records, for solver and module benchmarks.

It is the test channel (real packages) plus synthetic ``noarch`` records that exist only in
``noarch/repodata.json``: they solve like any record but cannot be downloaded or installed.
"""
from __future__ import annotations

import hashlib
import json
import pathlib
import random
from typing import Dict, List

from conda_testbed.channel import build_channel
from conda_testbed.packages import LICENSE, TIMESTAMP_MS

SYNTHETIC_PREFIX = 'synth-'
VERSIONS_PER_NAME = 10


def synthetic_records(n_records: int, seed: int) -> Dict[str, dict]:
    """``n_records`` noarch records keyed by file name; each depends only on earlier names.

    Names are ``synth-00000``, ``synth-00001``, ... with ``VERSIONS_PER_NAME`` versions each.
    A dependency is a lower bound that some version of the named package meets, so every
    record is installable together with the newest version of each of its dependencies.
    """
    rng = random.Random(seed)
    records: Dict[str, dict] = {}
    for index in range(n_records):
        name_index, version_index = divmod(index, VERSIONS_PER_NAME)
        name = f'{SYNTHETIC_PREFIX}{name_index:05d}'
        version = f'{version_index // 3 + 1}.{version_index % 3}.0'
        depends: List[str] = ['python >=3.7'] if rng.random() < 0.3 else []
        if name_index:
            for dep_index in sorted(rng.sample(range(name_index), min(3, name_index))):
                floor = rng.randrange(VERSIONS_PER_NAME)
                depends.append(f'{SYNTHETIC_PREFIX}{dep_index:05d} >={floor // 3 + 1}.{floor % 3}.0')
        build = 'pyh' + hashlib.sha256(f'{name}{version}'.encode()).hexdigest()[:7] + '_0'
        filename = f'{name}-{version}-{build}.tar.bz2'
        records[filename] = {
            'build': build,
            'build_number': 0,
            'depends': depends,
            'license': LICENSE,
            'md5': hashlib.md5(filename.encode()).hexdigest(),
            'name': name,
            'noarch': 'generic',
            'sha256': hashlib.sha256(filename.encode()).hexdigest(),
            'size': 1000 + index % 997,
            'subdir': 'noarch',
            'timestamp': TIMESTAMP_MS,
            'version': version,
        }
    return records


def build_large_channel(dest: pathlib.Path, n_records: int = 20000, seed: int = 0) -> pathlib.Path:
    """Build the test channel in ``dest`` and add ``n_records`` synthetic noarch records to it.

    The same ``seed`` gives the same records. Returns ``dest``.
    """
    dest = build_channel(pathlib.Path(dest))
    repodata_path = dest / 'noarch' / 'repodata.json'
    repodata = json.loads(repodata_path.read_text())
    repodata['packages'].update(synthetic_records(n_records, seed))
    repodata_path.write_text(json.dumps(repodata, sort_keys=True))
    return dest
