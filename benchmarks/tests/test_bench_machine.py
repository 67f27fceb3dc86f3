from __future__ import annotations

from benchmarks.machine import cpu_model


def test_cpu_model_is_read_from_cpuinfo(tmp_path):
    cpuinfo = tmp_path / 'cpuinfo'
    cpuinfo.write_text('processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\n')
    assert cpu_model(cpuinfo) == 'AMD EPYC 7B13'
