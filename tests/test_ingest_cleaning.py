"""ingest/cleaning.py: the rules are data; an operator extends them; a broken rules file says where."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from advisor.ingest import RULES_FILE, RulesError, load_corpus, load_rules

ARTICLE = """# Welding Inspector Careers

Welding inspectors check joints against codes before a structure is signed off.
Download the Weldtrack brochure for member discounts
Most inspectors start as welders and qualify after three to five years on the tools.
"""


def test_the_operator_adds_a_rule_in_the_corpus_folder(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "welding.md").write_text(ARTICLE)
    [before], _ = load_corpus(corpus)
    assert "Weldtrack brochure" in before.text

    (corpus / RULES_FILE).write_text("[calls_to_action]\npatterns = ['(?i)\\bbrochure\\b']\n")
    [after], _ = load_corpus(corpus)
    assert "Weldtrack brochure" not in after.text
    assert "qualify after three to five years" in after.text
    assert load_rules(corpus).calls_to_action[-1].pattern == "(?i)\\bbrochure\\b"  # added, nothing replaced
    assert len(load_rules(corpus).drop_lines) == len(load_rules(tmp_path).drop_lines)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[drop_lines\n", "cleaning rules cleaning-rules.toml: Expected ']'"),
        ("[drop_lnes]\npatterns = []\n", "cleaning rules cleaning-rules.toml: unknown table [drop_lnes]"),
        (
            "[drop_lines]\npatterns = 'x'\n",
            "cleaning rules cleaning-rules.toml: [drop_lines] needs patterns =",
        ),
        (
            "[drop_lines]\npatterns = ['(unclosed']\n",
            "cleaning rules cleaning-rules.toml: [drop_lines] '(unclosed' is not",
        ),
    ],
)
def test_a_broken_rules_file_is_one_line_naming_the_file(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / RULES_FILE).write_text(content)
    with pytest.raises(RulesError) as caught:
        load_rules(tmp_path)
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)


@pytest.mark.process
def test_advisor_index_with_a_broken_rules_file_exits_2_with_one_line(
    tmp_path: Path, cli_env: dict[str, str]
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "welding.md").write_text(ARTICLE)
    (corpus / RULES_FILE).write_text("[drop_lines]\npatterns = ['(unclosed']\n")
    result = subprocess.run(
        [sys.executable, "-m", "advisor.cli", "index"], env=cli_env | {"ADVISOR_CORPUS_DIR": str(corpus)},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.startswith("advisor: cleaning rules cleaning-rules.toml: [drop_lines]")
    assert len(result.stderr.strip().splitlines()) == 1
