"""The printed result: a Markdown table for people (and the README) and ``name=value`` lines for tools."""
from __future__ import annotations

from typing import Any, List, Mapping, Sequence


def format_value(value: Any) -> str:
    """Floats with three decimals, everything else as is (no spaces, so lines split on ``=``)."""
    if isinstance(value, float):
        return '%.3f' % value
    return str(value).replace(' ', '_')


def metric_lines(metrics: Mapping[str, Any]) -> List[str]:
    """One ``name=value`` line per metric, in the order given."""
    for name in metrics:
        if not name or '=' in name or any(char.isspace() for char in name):
            raise ValueError('metric name %r is not machine-readable' % name)
    return ['%s=%s' % (name, format_value(value)) for name, value in metrics.items()]


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A pipe table with aligned columns; numbers are right-aligned."""
    cells = [[format_value(value) if isinstance(value, float) else str(value) for value in row]
             for row in rows]
    for row in cells:
        if len(row) != len(header):
            raise ValueError('row %r does not have the %d columns of %r' % (row, len(header), header))
    widths = [max([len(name)] + [len(row[col]) for row in cells]) for col, name in enumerate(header)]
    numeric = [bool(rows) and all(isinstance(row[col], (int, float)) for row in rows)
               for col in range(len(header))]

    def line(values: Sequence[str]) -> str:
        return '| ' + ' | '.join(value.rjust(width) if right else value.ljust(width)
                                 for value, width, right in zip(values, widths, numeric)) + ' |'

    rule = '|' + '|'.join('-' * (width + 1) + (':' if right else '-')
                          for width, right in zip(widths, numeric)) + '|'
    return '\n'.join([line(header), rule] + [line(row) for row in cells])
