"""A computed table row becomes the same dict ``dataclasses.asdict`` gives, plus the name and the movement."""

from __future__ import annotations

from dataclasses import asdict, fields

from matchday.domain.standings import TableRow
from matchday.services.tables import _row


def test_a_table_row_is_read_field_by_field_into_the_shape_asdict_gives() -> None:
    values = {f.name: f"value of {f.name}" for f in fields(TableRow)} | {"position": 2, "team_id": 7}
    row = TableRow(**values)
    data = _row(row, {7: "Wolves"}, {7: 5})
    assert data == asdict(row) | {"team_name": "Wolves", "movement": 3}
    assert _row(row, {}, {})["movement"] is None and _row(row, {}, {})["team_name"] == "7"
