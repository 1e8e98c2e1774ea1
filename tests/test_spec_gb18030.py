"""A spec saved in a Chinese Windows encoding is read whatever punctuation it holds.

The default spec converted with ``iconv -f utf-8 -t GB18030`` (= GBK for its characters) and
holding an en dash was refused as "not UTF-8": GBK writes the en dash as 0xA8 0x43, whose
second byte is ASCII, and the reader took any such character for a Latin-1 accident. Latin-1
text ("Zürich", "Montréal") is still refused.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import cityindex
from cityindex.cli import run
from cityindex.errors import SpecError
from cityindex.load.spec_yaml import load_spec

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "indicators" / "ai-city-2024.yaml"


def _default_text() -> str:
    text = DEFAULT.read_text(encoding="utf-8").replace("../data/", str(ROOT / "data") + "/")
    return text.replace(
        "title_en: National supercomputing centres,",
        "title_en: National supercomputing centres – HPC (Ö),",
        1,
    )


def test_the_default_spec_in_gb18030_with_an_en_dash_scores_as_the_utf8_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = _default_text()
    utf8, gb = tmp_path / "utf8.yaml", tmp_path / "gb.yaml"
    utf8.write_text(text, encoding="utf-8")
    gb.write_bytes(text.encode("gb18030"))
    raw = gb.read_bytes()
    assert b"centres \xa8C HPC (\x810\x890)" in raw  # en dash: 2 bytes; Ö: 4 (not in GBK)
    spec = load_spec(gb)
    assert spec.warnings[0] == f"read {gb} as GBK (detected: the file is not valid UTF-8)"
    titles = {n.id: n.titles.get("en") for n in spec.walk() if hasattr(n, "column")}
    assert titles["supercomputing_centres"] == "National supercomputing centres – HPC (Ö)"
    ours, theirs = cityindex.score(gb), cityindex.score(utf8)
    assert ours["score"].tolist() == theirs["score"].tolist()
    assert ours.loc["Beijing", "score"] == 1.0
    assert run(["score", str(gb), "--top", "2", "-f", "csv"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[1].startswith("1,Beijing,1.0000,")
    assert f"note: read {gb} as GBK" in err


@pytest.mark.parametrize("name", [b"Z\xfcrich", b"Montr\xe9al", b"K\xf6ln"])
def test_latin1_text_is_still_refused(tmp_path: Path, name: bytes) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"index:\n  title: " + name + b"\n")
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    assert [i.code for i in caught.value.issues] == ["spec.yaml.encoding"]
