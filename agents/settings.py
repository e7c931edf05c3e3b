"""The LLM settings: one pydantic-settings model read from flags, a config file and the
environment (in that order of precedence), checked at start.

Sources, highest first:
- command-line flags (`--model`, `--base-url`, `--record`, `--replay`, `--llm-budget`, ...),
  passed as keyword arguments by the CLI;
- a JSON config file (`--llm-config FILE`, keys as the field names below);
- the environment: `CAUSALCRAFT_LLM_<FIELD>` (e.g. CAUSALCRAFT_LLM_BASE_URL,
  CAUSALCRAFT_LLM_MODEL).

The API key is read from `OPENAI_API_KEY` only (never from flags or files), held as a
secret, and never logged, cached or written to a result (`public()` leaves it out).

A bad value fails at start with one line naming the field (`SettingsError`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Mode = Literal["live", "record", "replay"]


class SettingsError(ValueError):
    """A bad LLM setting: one line naming the field and what is wrong."""


class LLMSettings(BaseSettings):
    """How to reach the model and how to spend on it.

    `mode`: `live` (no cache: neither read nor written), `record` (answers from the cache
    when there, every new call appended to it), `replay` (only the cache; a request not in it
    fails loudly). Budgets are in tokens (prompt + completion): `budget_tokens` per episode,
    `agent_budget_tokens` per participant (each worker, and the planner); a call that would
    start past a budget fails with `LLMBudgetError`. `rate` caps calls per second over the
    whole client (0: no cap). `timeout_s` bounds one HTTP request; `max_retries` the retries
    of one call (429, 5xx, timeouts, connection errors; backoff doubles from `backoff_s`);
    `reasks` how often an answer that does not validate is sent back with the error.
    """

    model_config = SettingsConfigDict(env_prefix="CAUSALCRAFT_LLM_", extra="forbid",
                                      validate_default=True)

    base_url: str = ""
    model: str = ""
    api_key: SecretStr = Field(default=SecretStr(""), exclude=True, repr=False)
    mode: Mode = "live"
    cache: Path | None = None
    max_tokens: int = Field(256, ge=1, le=32768)
    timeout_s: float = Field(30.0, gt=0, le=600)
    max_retries: int = Field(2, ge=0, le=10)
    backoff_s: float = Field(0.5, ge=0, le=60)
    reasks: int = Field(2, ge=0, le=10)
    temperature: float = Field(0.0, ge=0, le=2)
    seed: int = 0
    judge_samples: int = Field(3, ge=1, le=50)
    judge_temperature: float = Field(0.7, ge=0, le=2)
    judge_batch: int = Field(5, ge=1, le=100)
    """Edges per judge call (each edge's answer takes about 40 tokens of `max_tokens`)."""
    budget_tokens: int | None = Field(None, ge=1)
    agent_budget_tokens: int | None = Field(None, ge=1)
    rate: float = Field(0.0, ge=0)
    tools: Literal["auto", "json"] = "json"
    """`auto`: send the actions as OpenAI tools (servers with tool calling); `json`: ask for
    a JSON object constrained by the action schema (works on llama.cpp, vLLM, Ollama)."""

    @field_validator("base_url")
    @classmethod
    def _url(cls, v: str) -> str:
        v = v.strip()
        if v and not v.startswith(("http://", "https://")):
            raise ValueError(f"{v!r} is not an http(s) URL")
        return v.rstrip("/")

    @model_validator(mode="after")
    def _cache_for_mode(self) -> LLMSettings:
        if self.mode in ("record", "replay") and self.cache is None:
            raise ValueError(f"mode {self.mode} needs a cache file (--{self.mode} FILE)")
        if self.mode == "replay" and self.cache is not None and not self.cache.is_file():
            raise ValueError(f"replay cache {self.cache} does not exist")
        return self

    def public(self) -> dict[str, Any]:
        """What a result may record: everything but the key."""
        return self.model_dump(mode="json", exclude={"api_key"})

    def needs_endpoint(self) -> None:
        """Raise SettingsError unless a live or recording client has a URL and a model."""
        if self.mode != "replay" and (not self.base_url or not self.model):
            raise SettingsError("the LLM brain needs --base-url (an OpenAI-compatible URL "
                                "ending in /v1) and --model; or use --brain offline")


def load_settings(config_file: Path | None = None, **flags: Any) -> LLMSettings:
    """The settings from flags (None values are ignored), the config file and the
    environment. Raises SettingsError with one line naming the bad field."""
    values: dict[str, Any] = {}
    if config_file is not None:
        try:
            values = json.loads(Path(config_file).read_text())
        except FileNotFoundError:
            raise SettingsError(f"--llm-config: {config_file} does not exist") from None
        except json.JSONDecodeError as err:
            raise SettingsError(f"--llm-config: {config_file} is not JSON: {err.msg} "
                                f"(line {err.lineno})") from None
        if not isinstance(values, dict):
            raise SettingsError(f"--llm-config: {config_file} must hold a JSON object")
        if "api_key" in values:
            raise SettingsError(f"--llm-config: {config_file} holds api_key: the key is read "
                                "from OPENAI_API_KEY only")
    values.update({k: v for k, v in flags.items() if v is not None})
    values.pop("api_key", None)
    values["api_key"] = os.environ.get("OPENAI_API_KEY", "")
    try:
        return LLMSettings(**values)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "settings"
        msg = str(first["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"LLM setting {where}: {msg}") from None
