from __future__ import annotations

import pytest

from benchmarks.report import format_value, markdown_table, metric_lines


def test_metric_lines_are_name_equals_value_in_order():
    lines = metric_lines({'noop_ratio.small': 1.23456, 'conda_calls_noop.small': 0, 'conda': 'test bed'})
    assert lines == ['noop_ratio.small=1.235', 'conda_calls_noop.small=0', 'conda=test_bed']
    assert all(line.count('=') == 1 for line in lines)


@pytest.mark.parametrize('name', ['', 'a=b', 'with space', 'tab\tname'])
def test_metric_names_that_would_not_parse_are_refused(name):
    with pytest.raises(ValueError):
        metric_lines({name: 1})


def test_format_value_rounds_floats_only():
    assert format_value(2.0) == '2.000'
    assert format_value(7) == '7'


def test_markdown_table_aligns_columns_and_right_aligns_numbers():
    table = markdown_table(['channel', 'ours s'], [['small', 2.5], ['large', 12.25]])
    lines = table.splitlines()
    assert lines == [
        '| channel | ours s |',
        '|---------|-------:|',
        '| small   |  2.500 |',
        '| large   | 12.250 |',
    ]


def test_markdown_table_refuses_ragged_rows():
    with pytest.raises(ValueError):
        markdown_table(['a', 'b'], [['only one']])
