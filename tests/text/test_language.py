"""Non-English input is reported (file, language found) and not extracted."""

from __future__ import annotations

from typer.testing import CliRunner

from jervis.cli import app
from jervis.text.language import detect_language

FRENCH = ("Des roquettes ont frappé une base militaire en Irak mercredi, tuant deux soldats "
          "américains et un soldat britannique, selon la coalition qui a confirmé l'attaque dans "
          "un communiqué publié jeudi.")  # fmt: skip
GERMAN = ("Am Mittwoch haben Raketen einen Militärstützpunkt im Irak getroffen und dabei zwei "
          "amerikanische Soldaten und einen britischen Soldaten getötet, teilte die Koalition mit.")
ENGLISH = ("Rockets struck a military base in Iraq on Wednesday, killing two American soldiers and "
           "a British soldier, the coalition said in a statement on Thursday evening.")


def test_languages_told_apart():
    assert detect_language(FRENCH) == "fr"
    assert detect_language(GERMAN) == "de"
    assert detect_language(ENGLISH) == "en"
    assert detect_language("قصفت صواريخ قاعدة عسكرية في العراق يوم الأربعاء مما أسفر عن مقتل جنديين") == "ar"
    assert detect_language("Ракеты поразили военную базу в Ираке в среду, убив двух солдат.") == "ru"
    assert detect_language("Rockets hit base") == "en"  # too short to tell: no report


def test_cli_reports_non_english_file_in_one_line(tmp_path):
    (tmp_path / "fr.txt").write_text(FRENCH, encoding="utf-8")
    (tmp_path / "en.txt").write_text(ENGLISH, encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", str(tmp_path), "--published", "2020-03-14",
                                      "--format", "csv"])  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "not English" in line]
    assert len(lines) == 1 and "fr.txt" in lines[0] and "French (fr)" in lines[0]
    assert "tuant" not in result.output  # nothing extracted from it
    assert "Iraq" in result.output or "IRQ" in result.output
