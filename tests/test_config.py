"""config.py: settings from the environment and .env, refused at start-up with one line naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from advisor.config import ConfigError, check_corpus_dir, load_settings

STRONG = "k" * 16


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("ADVISOR_ADMIN_TOKEN", "hunter", "at least 16 characters"),
        ("ADVISOR_API_KEYS", ",", "empty key"),
        ("ADVISOR_API_KEYS", f"{STRONG},", "empty key"),
        ("ADVISOR_API_KEYS", f"{STRONG},short", "key 2 is shorter than 16"),
        ("ADVISOR_TRUSTED_PROXIES", "10.0.0.1,proxy.local", "'proxy.local' is not an address"),
    ],
)
def test_serve_refuses_to_start_and_names_the_variable(
    cli_env: dict[str, str], variable: str, value: str, message: str
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "advisor.cli", "serve", "--port", "1"],
        env=cli_env | {variable: value},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.startswith(f"advisor: {variable}: ") and message in result.stderr
    assert "Traceback" not in result.stderr and (len(value) < 3 or value not in result.stderr)


def test_strong_secrets_and_proxy_networks_are_accepted() -> None:
    settings = load_settings(admin_token=STRONG, api_keys=f" {STRONG} , {'j' * 20}",
                             trusted_proxies="10.0.0.0/8, 192.168.1.7")  # fmt: skip
    assert settings.api_key_list == [STRONG, "j" * 20]
    assert settings.trusted_proxy_list == ["10.0.0.0/8", "192.168.1.7"]


def test_unset_secrets_turn_the_features_off() -> None:
    settings = load_settings(admin_token="", api_keys="  ")
    assert settings.admin_token is None and settings.api_key_list == []
    with pytest.raises(ConfigError, match="ADVISOR_ADMIN_TOKEN"):
        load_settings(admin_token=" " * 20)


# ----------------------------------------------------------------------------- from the environment


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No ADVISOR_* variable or .env file from the machine running the tests leaks in."""
    for name in list(os.environ):
        if name.startswith("ADVISOR_") or name == "OPENAI_API_KEY":
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


@pytest.mark.usefixtures("clean_environment")
def test_defaults_are_the_documented_ones() -> None:
    settings = load_settings()
    assert (settings.corpus_dir, settings.index_dir, settings.data_dir) == (
        Path("corpus"), Path("index"), Path("data"),
    )  # fmt: skip
    assert (settings.answer_mode, settings.admin_token, settings.api_key_list) == ("auto", None, [])
    assert settings.llm_base_url is None and settings.resolved_llm_api_key() is None


@pytest.mark.usefixtures("clean_environment")
def test_environment_and_dotenv_are_read_and_the_environment_wins(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text("ADVISOR_CORPUS_DIR=articles\nADVISOR_ANSWER_MODE=extractive\n")
    monkeypatch.setenv("ADVISOR_ANSWER_MODE", "auto")
    monkeypatch.setenv("ADVISOR_API_KEYS", f" {STRONG}-one , {STRONG}-two ")
    settings = load_settings()
    assert settings.corpus_dir == Path("articles")
    assert settings.answer_mode == "auto"
    assert settings.api_key_list == [f"{STRONG}-one", f"{STRONG}-two"]


@pytest.mark.usefixtures("clean_environment")
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
@pytest.mark.usefixtures("clean_environment")
def test_a_bad_value_is_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, starts: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith(starts) and "\n" not in message


@pytest.mark.usefixtures("clean_environment")
def test_llm_mode_without_an_llm_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVISOR_ANSWER_MODE", "llm")
    with pytest.raises(ConfigError, match="needs ADVISOR_LLM_BASE_URL and ADVISOR_LLM_MODEL"):
        load_settings()


@pytest.mark.usefixtures("clean_environment")
def test_a_missing_corpus_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^ADVISOR_CORPUS_DIR: .*nowhere is not a readable folder$"):
        check_corpus_dir(tmp_path / "nowhere")
    check_corpus_dir(tmp_path)  # a real folder passes
