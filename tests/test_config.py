"""Settings that the advisor refuses to start with: weak secrets, stray commas, bad proxies."""

from __future__ import annotations

import subprocess
import sys

import pytest

from advisor.config import ConfigError, load_settings

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
