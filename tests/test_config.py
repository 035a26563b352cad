"""config.py: settings from the environment and .env, refused at start-up with one line naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.config import ConfigError, check_corpus_dir, load_settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No ADVISOR_* variable or .env file from the machine running the tests leaks in."""
    import os

    for name in list(os.environ):
        if name.startswith("ADVISOR_") or name == "OPENAI_API_KEY":
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def test_defaults_are_the_documented_ones() -> None:
    settings = load_settings()
    assert (settings.corpus_dir, settings.index_dir, settings.data_dir) == (
        Path("corpus"), Path("index"), Path("data"),
    )  # fmt: skip
    assert (settings.answer_mode, settings.admin_token, settings.api_key_list) == ("auto", None, [])
    assert settings.llm_base_url is None and settings.resolved_llm_api_key() is None


def test_environment_and_dotenv_are_read_and_the_environment_wins(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text("ADVISOR_CORPUS_DIR=articles\nADVISOR_ANSWER_MODE=extractive\n")
    monkeypatch.setenv("ADVISOR_ANSWER_MODE", "auto")
    monkeypatch.setenv("ADVISOR_API_KEYS", " key-one, ,key-two ")
    settings = load_settings()
    assert settings.corpus_dir == Path("articles")
    assert settings.answer_mode == "auto"
    assert settings.api_key_list == ["key-one", "key-two"]


def test_the_llm_key_falls_back_to_openai_api_key_and_secrets_stay_out_of_repr(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-fallback")
    monkeypatch.setenv("ADVISOR_ADMIN_TOKEN", "admin-secret-value")
    settings = load_settings()
    assert settings.resolved_llm_api_key() == "sk-fallback"
    monkeypatch.setenv("ADVISOR_LLM_API_KEY", "sk-own")
    assert load_settings().resolved_llm_api_key() == "sk-own"
    assert "admin-secret-value" not in repr(settings) and "sk-" not in repr(load_settings())


@pytest.mark.parametrize(
    ("variable", "value", "starts"),
    [
        (
            "ADVISOR_ANSWER_MODE",
            "sometimes",
            "ADVISOR_ANSWER_MODE: Input should be 'auto', 'llm' or 'extractive'",
        ),
        ("ADVISOR_LLM_BASE_URL", "not a url", "ADVISOR_LLM_BASE_URL: must be an http(s) URL"),
        ("ADVISOR_RATE_LIMIT", "lots", "ADVISOR_RATE_LIMIT: must look like 120/minute"),
        ("ADVISOR_LLM_TIMEOUT", "-1", "ADVISOR_LLM_TIMEOUT: "),
        ("ADVISOR_INDEX_KIND", "ivf", "ADVISOR_INDEX_KIND: "),
        (
            "ADVISOR_DATABASE_URL",
            "mysql://x",
            "ADVISOR_DATABASE_URL: must start with sqlite:/// or postgresql://",
        ),
    ],
)
def test_a_bad_value_is_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, starts: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith(starts) and "\n" not in message


def test_llm_mode_without_an_llm_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVISOR_ANSWER_MODE", "llm")
    with pytest.raises(ConfigError, match="needs ADVISOR_LLM_BASE_URL and ADVISOR_LLM_MODEL"):
        load_settings()


def test_a_missing_corpus_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^ADVISOR_CORPUS_DIR: .*nowhere is not a readable folder$"):
        check_corpus_dir(tmp_path / "nowhere")
    check_corpus_dir(tmp_path)  # a real folder passes
