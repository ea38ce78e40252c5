"""Reading the KEP history: a malformed file is refused whole, with every bad line."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from backend.importing.errors import ImportRefused
from backend.importing.kep_source import read_kep_history
from tests.importing.conftest import KEP_FILE

GOOD = {
    "at": "2022-08-09T05:46:50Z",
    "commit": "0bec369a",
    "actor": "Davanum Srinivas",
    "reason": "KEP-2221: Mark dockershim KEP as implemented",
    "kep": "2221",
    "sig": "sig-node",
    "fields": {"status": "implemented", "participating-sigs": ["sig-a"]},
    "previous": {"status": "implementable", "participating-sigs": None},
}


def write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_shipped_file_reads_as_2124_events_sorted_by_time() -> None:
    events = read_kep_history(KEP_FILE)
    assert len(events) == 2124
    assert len({event.kep for event in events}) == 659
    assert [e.at for e in events] == sorted(e.at for e in events)
    assert events[0].line == 1 and events[-1].line == 2124


def test_plain_and_gzipped_files_read_alike(tmp_path: Path) -> None:
    plain = write(tmp_path / "h.jsonl", json.dumps(GOOD))
    zipped = tmp_path / "h.jsonl.gz"
    zipped.write_bytes(gzip.compress(plain.read_bytes()))
    assert read_kep_history(plain) == read_kep_history(zipped)
    [event] = read_kep_history(plain)
    assert event.fields["participating-sigs"] == ("sig-a",)


def test_a_malformed_file_is_refused_with_every_bad_line(tmp_path: Path) -> None:
    earlier = dict(GOOD, at="2021-01-01T00:00:00Z")
    path = write(
        tmp_path / "bad.jsonl",
        json.dumps(GOOD),
        "{not json",
        json.dumps(dict(GOOD, kep=7)),
        "",
        json.dumps(dict(GOOD, fields={"owner": "x"})),
        json.dumps(earlier),
        json.dumps(dict(GOOD, at="yesterday")),
    )
    with pytest.raises(ImportRefused) as refused:
        read_kep_history(path)
    assert [bad.line for bad in refused.value.bad_lines] == [2, 3, 5, 6, 7]
    message = str(refused.value)
    assert "5 bad lines, nothing recorded" in message
    assert "line 3: 'kep' must be a string, got 7" in message
    assert "line 6: 'at' 2021-01-01T00:00:00+00:00 is earlier than line 1" in message
    assert "\n" not in message


def test_an_unreadable_or_empty_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportRefused, match="holds no events"):
        read_kep_history(write(tmp_path / "empty.jsonl", ""))
    broken = tmp_path / "broken.jsonl.gz"
    broken.write_bytes(b"\x1f\x8b garbage")
    with pytest.raises(ImportRefused, match="cannot read it"):
        read_kep_history(broken)
