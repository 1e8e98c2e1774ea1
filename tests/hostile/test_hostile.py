"""Hostile input: every bad file or argument ends in one named error, never a traceback.

Each row of `CASES` is one named bad input kept as a file in this folder (`data/*.csv` are scored
with the valid `base.yaml`; `specs/*.yaml` point at the valid `base.csv`), with the exact issue
code and exit status it must produce (1 bad spec or data, 2 bad usage; docs/exit-codes.md). A
few inputs are too large to keep in git (a 2 MB spec, a data file over the size limit) and are
written by their test. Handled-and-announced inputs (BOM, GBK, constant indicator) follow.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pytest

import cityindex.load.data
from cityindex.cli import run

HERE = Path(__file__).parent
BASE = HERE / "base.yaml"


@dataclass(frozen=True)
class Case:
    """One bad input: a file under this folder, extra arguments, and what must come out."""

    file: str
    code: str
    exit: int = 1
    args: tuple[str, ...] = ()

    def argv(self) -> list[str]:
        path = str(HERE / self.file)
        if self.file.endswith(".csv"):
            return ["score", str(BASE), "--data", path, "-f", "csv", *self.args]
        return ["score", path, "-f", "csv", *self.args]


TALENT, POLICY = "groups.talent.weight", "groups.policy.weight"
ALIAS_BOMB = "[" + ", ".join(f"&a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 7)) + "]"
ALIAS_BOMB = "[&a0 [x, x, x, x, x, x, x, x, x], " + ALIAS_BOMB[1:]

CASES = [
    # --- data files: structure
    Case("data/empty.csv", "data.file.empty"),
    Case("data/blank-lines-only.csv", "data.file.empty"),
    Case("data/header-only.csv", "data.file.no-rows"),
    Case("data/duplicate-column.csv", "data.column.duplicate"),
    Case("data/unnamed-column.csv", "data.column.unnamed"),
    Case("data/no-unit-column.csv", "data.column.no-unit"),
    Case("data/duplicate-unit.csv", "data.unit.duplicate"),
    Case("data/duplicate-unit-after-trim.csv", "data.unit.duplicate"),
    Case("data/empty-unit-name.csv", "data.unit.empty"),
    Case("data/ragged-row.csv", "data.row.width"),
    Case("data/unquoted-comma-in-cell.csv", "data.row.width"),
    Case("data/year-not-whole.csv", "data.year.invalid"),
    Case("data/year-absent.csv", "data.year.absent", args=("--year", "2020")),
    Case("base.csv", "data.year.no-column", args=("--year", "2020")),
    Case("data/all-missing-indicator.csv", "data.indicator.all-missing"),
    # --- data files: unit names that look alike (compared after NFC; NFKC for look-alikes)
    Case("data/unit-nfc-and-nfd.csv", "data.unit.duplicate"),
    Case("data/unit-zero-width-space.csv", "data.unit.invisible"),
    Case("data/unit-zero-width-space.csv", "data.unit.look-alike"),
    Case("data/unit-full-width-letters.csv", "data.unit.look-alike"),
    # --- data files: cells (refused, never guessed)
    Case("data/thousands-comma.csv", "data.cell.thousands-separator"),
    Case("data/thousands-space.csv", "data.cell.thousands-separator"),
    Case("data/thousands-underscore.csv", "data.cell.thousands-separator"),
    Case("data/decimal-comma.csv", "data.cell.decimal-comma"),
    Case("data/full-width-digits.csv", "data.cell.full-width"),
    Case("data/arabic-indic-digits.csv", "data.cell.full-width"),
    Case("data/percent.csv", "data.cell.percent"),
    Case("data/nan-text.csv", "data.cell.not-finite"),
    Case("data/inf-text.csv", "data.cell.not-finite"),
    Case("data/negative-infinity-text.csv", "data.cell.not-finite"),
    Case("data/overflowing-number.csv", "data.cell.not-finite"),
    Case("data/n-a-placeholder.csv", "data.cell.placeholder"),
    Case("data/dash-placeholder.csv", "data.cell.placeholder"),
    Case("data/excel-error-value.csv", "data.cell.not-a-number"),
    Case("data/text-in-number-column.csv", "data.cell.not-a-number"),
    # --- data files: bytes
    Case("data/binary-nul-bytes.csv", "data.file.binary"),
    Case("data/binary-garbage.csv", "data.file.encoding"),
    Case("data/control-characters.csv", "data.file.binary"),
    Case("data/utf16-excel-unicode-text.csv", "data.file.utf16"),
    Case("data/neither-utf8-nor-gb18030.csv", "data.file.encoding"),
    Case("data/full-width-digits.csv", "data.file.encoding", args=("--encoding", "ascii")),
    Case("base.csv", "usage.encoding", 2, ("--encoding", "klingon")),
    # --- specs
    Case("specs/empty.yaml", "spec.yaml.empty"),
    Case("specs/comment-only.yaml", "spec.yaml.empty"),
    Case("specs/top-level-list.yaml", "spec.type.mapping"),
    Case("specs/syntax-error-tab-indent.yaml", "spec.yaml.syntax"),
    Case("specs/syntax-error-unclosed-bracket.yaml", "spec.yaml.syntax"),
    Case("specs/duplicate-key.yaml", "spec.yaml.duplicate-key"),
    Case("specs/weight-text.yaml", "spec.weight.not-a-number"),
    Case("specs/weight-negative.yaml", "spec.weight.negative"),
    Case("specs/weight-infinite.yaml", "spec.weight.not-finite"),
    Case("specs/weights-all-zero.yaml", "spec.weight.all-zero"),
    Case("specs/unknown-method.yaml", "spec.method.unknown"),
    Case("specs/unknown-key.yaml", "spec.key.unknown"),
    Case("specs/direction-misspelt.yaml", "spec.direction.invalid"),
    Case("specs/column-missing.yaml", "spec.column.missing"),
    Case("specs/missing-data-file.yaml", "data.file.not-found"),
    Case("specs/data-is-a-directory.yaml", "data.file.is-directory"),
    Case("specs/no-data-anywhere.yaml", "spec.data.missing"),
    Case("specs/no-such-spec.yaml", "spec.file.not-found"),
    Case("specs/geometric-mean-of-zeros.yaml", "data.domain.aggregate"),
    Case("specs/harmonic-mean-of-zeros.yaml", "data.domain.aggregate"),
    Case("specs/negative-range-then-relative-to-max.yaml", "data.domain.scale"),
    Case("specs/log-of-a-constant-indicator.yaml", "data.domain.treat"),
    Case("specs/python-object-tag.yaml", "spec.type.mapping"),
    Case("specs/unknown-tag-on-a-key.yaml", "spec.key.not-text"),
    Case("specs/alias-bomb.yaml", "spec.yaml.too-many-nodes"),
    Case("specs/deeply-nested-mappings.yaml", "spec.yaml.too-deep"),
    Case("specs/deeply-nested-flow.yaml", "spec.yaml.too-deep"),
    Case("specs/binary-garbage.yaml", "spec.yaml.not-text"),
    Case("specs/latin1-not-utf8.yaml", "spec.yaml.encoding"),
    # --- specs: ids that are output columns (two columns of one name: a wrong ranking)
    Case("specs/group-named-score.yaml", "spec.id.reserved"),
    Case("specs/group-named-rank.yaml", "spec.id.reserved"),
    Case("specs/group-named-unit-column.yaml", "spec.id.reserved"),
    Case("specs/indicator-named-coverage.yaml", "spec.id.reserved"),
    # --- specs: numbers out of range, and YAML 1.1 surprises read as YAML 1.2 (text)
    Case("specs/weight-401-digits.yaml", "spec.weight.not-finite"),
    Case("specs/weight-1e308.yaml", "spec.weight.too-large"),
    Case("specs/scale-digits-too-many.yaml", "spec.method.param-type"),
    Case("specs/weight-sexagesimal.yaml", "spec.weight.not-a-number"),
    Case("specs/weight-yes.yaml", "spec.weight.not-a-number"),
    Case("specs/boolean-parameter-written-on.yaml", "spec.method.param-type"),
    # --- command-line arguments on the valid fixture
    Case("base.yaml", "spec.set.unknown-path", args=("--set", "groups.talnet.weight=1")),
    Case("base.yaml", "spec.weight.not-a-number", args=("--set", "groups.talent.weight=[1]")),
    Case("base.yaml", "spec.weight.negative", args=("--set", "groups.talent.weight=-1")),
    Case("base.yaml", "spec.method.unknown", args=("--set", "methods.aggregate.method=avarage")),
    Case("base.yaml", "usage.set.syntax", 2, ("--set", "groups.talent.weight")),
    Case(
        "base.yaml",
        "spec.weight.too-large",
        args=("--set", f"{TALENT}=1.0e+308", "--set", f"{POLICY}=1.0e+308"),
    ),
    Case("base.yaml", "spec.weight.not-finite", args=("--set", f"{TALENT}={'9' * 401}")),
    Case("base.yaml", "spec.weight.not-a-number", args=("--set", f"{TALENT}=1:30")),
    Case("base.yaml", "spec.method.param-type", args=("--set", "index.scale.digits=16")),
    Case("base.yaml", "spec.method.param-type", args=("--set", "index.scale.digits=-1")),
    Case(
        "base.yaml", "spec.method.param-type", args=("--set", "methods.missing.min_coverage=.nan")
    ),
    Case("base.yaml", "spec.yaml.too-deep", args=("--set", f"{TALENT}={'[' * 1000}{']' * 1000}")),
    Case("base.yaml", "spec.yaml.too-deep", args=("--set", f"{TALENT}=&a [*a]")),
    Case("base.yaml", "spec.yaml.too-many-nodes", args=("--set", f"{TALENT}={ALIAS_BOMB}")),
    Case("base.yaml", "spec.id.reserved", args=("--set", "index.unit=plans")),
    Case("base.yaml", "usage.format", 2, ("--format", "xml")),
    Case("base.yaml", "usage.xlsx.output", 2, ("--format", "xlsx")),
]


def _assert_clean_error(out: str, err: str, code: str) -> None:
    assert f"error[{code}]" in err, err
    assert "Traceback" not in err + out
    assert "internal error" not in err
    assert out == "", "nothing may reach stdout when the run fails"


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.file}{' '.join(('', *c.args))}")
def test_bad_input_gives_its_error_code_and_exit_status_without_a_traceback(
    case: Case, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.perf_counter()
    status = run(case.argv())
    out, err = capsys.readouterr()
    assert status == case.exit, err
    _assert_clean_error(out, err, case.code)
    assert time.perf_counter() - started < 10, "a bad input must fail fast, not hang"


def test_the_table_names_at_least_forty_bad_input_files() -> None:
    files = {c.file for c in CASES if (HERE / c.file).is_file()}
    assert len(files) >= 40
    # report/ holds valid inputs with hostile strings, for test_hostile_report.py
    kept = {
        p.relative_to(HERE).as_posix()
        for p in HERE.glob("*/*")
        if p.suffix != ".py" and p.parent.name != "report"
    }
    assert kept <= {c.file for c in CASES}, "every bad file in the folder has a row in CASES"


def test_every_error_names_the_file_it_comes_from(capsys: pytest.CaptureFixture[str]) -> None:
    for case in CASES:
        if case.file.startswith("data/") and case.code.startswith("data.cell"):
            run(case.argv())
            err = capsys.readouterr().err
            assert f"--> {HERE / case.file}:" in err, err


def test_a_refused_cell_shows_row_unit_column_and_what_to_write(
    capsys: pytest.CaptureFixture[str],
) -> None:
    run(Case("data/thousands-comma.csv", "").argv())
    err = capsys.readouterr().err
    assert "row 2 (Beijing): '1,200' in column 'researchers'" in err
    assert "= got:      '1,200'" in err
    assert "= hint: write 1200" in err


def test_a_spec_over_the_size_limit_is_refused_before_parsing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = tmp_path / "huge.yaml"
    huge.write_text("# padding\n" * 250_000, encoding="utf-8")
    assert run(["validate", str(huge)]) == 1
    out, err = capsys.readouterr()
    _assert_clean_error(out, err, "spec.yaml.too-large")
    assert "the limit is 2,000,000" in err


def test_a_data_file_over_the_size_limit_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cityindex.load.data, "MAX_DATA_BYTES", 1_000)
    big = tmp_path / "big.csv"
    big.write_text("city,researchers,cost,plans\n" + "X,1,2,3\n" * 200, encoding="utf-8")
    assert run(["score", str(BASE), "--data", str(big)]) == 1
    out, err = capsys.readouterr()
    _assert_clean_error(out, err, "data.file.too-large")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_an_endless_device_as_data_is_refused_before_reading(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """/dev/zero never ends: only regular files are read."""
    assert run(["score", str(BASE), "--data", "/dev/zero"]) == 1
    out, err = capsys.readouterr()
    _assert_clean_error(out, err, "data.file.not-regular")
    assert "/dev/zero is a character device, not a regular file" in err


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_an_endless_device_as_spec_is_refused_before_reading(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["validate", "/dev/zero"]) == 1
    out, err = capsys.readouterr()
    _assert_clean_error(out, err, "spec.file.not-regular")


def test_output_into_a_missing_folder_is_a_named_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["score", str(BASE), "-o", str(tmp_path / "no" / "such" / "out.csv")]) == 1
    out, err = capsys.readouterr()
    _assert_clean_error(out, err, "output.write")
    assert not (tmp_path / "no").exists()


# ---------------------------------------------------------------- handled, and announced


def _score(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    assert run(["score", str(BASE), "-f", "csv", *args]) == 0
    return capsys.readouterr()


def test_a_utf8_bom_is_accepted_silently(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain_out, _ = _score([], capsys)
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + (HERE / "base.csv").read_bytes())
    out, err = _score(["--data", str(bom)], capsys)
    assert out == plain_out
    assert err == ""


def test_a_gbk_file_is_read_as_gb18030_and_the_choice_is_announced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (HERE / "base.csv").read_text(encoding="utf-8")
    for city, name in [("Beijing", "北京"), ("Shanghai", "上海"), ("Shenzhen", "深圳")]:
        text = text.replace(city, name)
    utf8 = tmp_path / "utf8.csv"
    utf8.write_text(text, encoding="utf-8")
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(text.encode("gbk"))
    expected, _ = _score(["--data", str(utf8)], capsys)
    out, err = _score(["--data", str(gbk)], capsys)
    assert out == expected
    assert f"note: read {gbk} as GB18030 (detected" in err
    out, err = _score(["--data", str(gbk), "--encoding", "gbk"], capsys)
    assert out == expected
    assert "as GBK (as asked (--encoding))" in err


def test_a_constant_indicator_scores_the_midpoint_and_warns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """min_max of a constant column is 0.5 for every unit (it cannot separate them)."""
    flat = tmp_path / "flat.csv"
    flat.write_text(
        "city,researchers,cost,plans\nA,7,9,4\nB,7,10,3\nC,7,8,5\n",
        encoding="utf-8",
    )
    from cityindex import compute, load_data, load_spec

    spec = load_spec(BASE)
    result = compute(spec, load_data(flat, unit="city"))
    assert result.stages["normalised"]["researchers"].tolist() == [0.5, 0.5, 0.5]
    _, err = _score(["--data", str(flat)], capsys)
    assert "warning: indicator 'researchers' is constant across units (7)" in err


def test_excel_formula_unit_names_are_data_not_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    evil = tmp_path / "evil.csv"
    evil.write_text(
        'city,researchers,cost,plans\n"=HYPERLINK(""http://x"")",1,2,3\n@SUM(A1),2,3,4\n',
        encoding="utf-8",
    )
    out, _ = _score(["--data", str(evil), "--excel-safe"], capsys)
    assert "'=HYPERLINK" in out
    assert "'@SUM(A1)" in out


def test_a_cell_over_the_csv_field_limit_is_a_named_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wide = tmp_path / "wide.csv"
    wide.write_text("city,researchers,cost,plans\nA," + "9" * 200_000 + ",1,2\n", encoding="utf-8")
    assert run(["score", str(BASE), "--data", str(wide)]) == 1
    out, err = capsys.readouterr()
    _assert_clean_error(out, err, "data.file.csv")


def test_old_mac_line_endings_read_like_any_other(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected, _ = _score([], capsys)
    mac = tmp_path / "mac.csv"
    mac.write_bytes((HERE / "base.csv").read_bytes().replace(b"\n", b"\r"))
    out, _ = _score(["--data", str(mac)], capsys)
    assert out == expected
