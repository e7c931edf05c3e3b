"""The LLM brain's client: any OpenAI-compatible endpoint (OpenAI, vLLM, Ollama, llama.cpp
server) through the `openai` package.

- Structured output: every answer is JSON parsed into a pydantic model; an answer that does
  not parse is sent back once with the error, then refused with a clear `LLMError`.
- Retries with exponential backoff on connection errors, timeouts, 429 and 5xx.
- Token accounting (prompt + completion) and call counts.
- A record/replay cache keyed by the request (model, messages, schema), as JSON lines, so an
  episode can be rerun exactly and offline (`mode="replay"` never touches the network).

Settings come from the environment: CAUSALCRAFT_LLM_URL (base URL, e.g.
http://127.0.0.1:8000/v1), CAUSALCRAFT_LLM_MODEL, OPENAI_API_KEY (any string for local
servers), CAUSALCRAFT_LLM_CACHE (the cache file), CAUSALCRAFT_LLM_MODE (live, record, replay).
Nothing the LLM writes is executed: answers are data, validated against a schema.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

T = TypeVar("T", bound=BaseModel)


class LLMError(RuntimeError):
    """The LLM could not give a usable answer (after retries), or replay missed."""


class LLMSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    base_url: str
    model: str
    api_key: str = "none"
    cache: Path | None = None
    mode: Literal["live", "record", "replay"] = "record"
    max_retries: int = Field(4, ge=0, le=10)
    timeout_s: float = Field(60.0, gt=0)
    temperature: float = 0.0

    @classmethod
    def from_env(cls) -> LLMSettings:
        url = os.environ.get("CAUSALCRAFT_LLM_URL")
        model = os.environ.get("CAUSALCRAFT_LLM_MODEL")
        if not url or not model:
            raise LLMError("the LLM brain needs CAUSALCRAFT_LLM_URL (an OpenAI-compatible base "
                           "URL) and CAUSALCRAFT_LLM_MODEL; or use --brain offline")
        cache = os.environ.get("CAUSALCRAFT_LLM_CACHE", "runs/llm_cache.jsonl")
        return cls(base_url=url, model=model, api_key=os.environ.get("OPENAI_API_KEY", "none"),
                   cache=Path(cache) if cache else None,
                   mode=os.environ.get("CAUSALCRAFT_LLM_MODE", "record"))  # type: ignore[arg-type]


def request_key(model: str, messages: list[dict[str, str]], schema: str) -> str:
    blob = json.dumps({"model": model, "messages": messages, "schema": schema},
                      sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


class LLMClient:
    def __init__(self, settings: LLMSettings, transport: object | None = None) -> None:
        self.settings = settings
        self.calls = 0
        self.tokens = 0
        self.cache_hits = 0
        self._cache: dict[str, dict[str, object]] = {}
        self._client = transport
        if settings.cache and settings.cache.exists():
            for line in settings.cache.read_text().splitlines():
                try:
                    rec = json.loads(line)
                    self._cache[rec["key"]] = rec
                except (ValueError, KeyError):
                    # A torn last line (a killed run) is skipped, never fatal; the file keeps it.
                    continue

    def _openai(self) -> object:
        if self._client is None:
            import openai

            self._client = openai.OpenAI(base_url=self.settings.base_url,
                                         api_key=self.settings.api_key,
                                         timeout=self.settings.timeout_s, max_retries=0)
        return self._client

    def _record(self, rec: dict[str, object]) -> None:
        self._cache[str(rec["key"])] = rec
        if self.settings.cache and self.settings.mode != "replay":
            self.settings.cache.parent.mkdir(parents=True, exist_ok=True)
            with self.settings.cache.open("a") as fh:
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")

    def _call(self, messages: list[dict[str, str]]) -> tuple[str, int]:
        import openai

        delay = 0.5
        for attempt in range(self.settings.max_retries + 1):
            try:
                resp = self._openai().chat.completions.create(  # type: ignore[attr-defined]
                    model=self.settings.model, messages=messages,
                    temperature=self.settings.temperature,
                    response_format={"type": "json_object"})
                usage = resp.usage
                tokens = (usage.prompt_tokens + usage.completion_tokens) if usage else 0
                return resp.choices[0].message.content or "", tokens
            except (openai.APIConnectionError, openai.APITimeoutError, openai.RateLimitError,
                    openai.InternalServerError, ConnectionError, TimeoutError) as err:
                if attempt == self.settings.max_retries:
                    raise LLMError(f"the LLM endpoint failed {attempt + 1} times: {err}") from err
                time.sleep(delay)
                delay *= 2
        raise LLMError("unreachable")

    def ask(self, system: str, user: str, schema: type[T]) -> T:
        """One structured question; the answer parsed into `schema`."""
        messages = [{"role": "system", "content": system + "\nAnswer with one JSON object."},
                    {"role": "user", "content": user}]
        key = request_key(self.settings.model, messages, schema.__name__)
        rec = self._cache.get(key)
        if rec is not None:
            self.cache_hits += 1
            return schema.model_validate_json(str(rec["answer"]))
        if self.settings.mode == "replay":
            raise LLMError(f"replay: no recorded answer for this {schema.__name__} request "
                           f"(key {key[:12]})")
        text, tokens = self._call(messages)
        self.calls += 1
        self.tokens += tokens
        try:
            parsed = schema.model_validate_json(text)
        except ValidationError as err:
            # One repair round: show the model its own answer and what was wrong.
            fix = [*messages, {"role": "assistant", "content": text},
                   {"role": "user", "content": f"That answer is invalid: {err.errors()[:3]}. "
                                               "Answer again with valid JSON only."}]
            text, tokens = self._call(fix)
            self.calls += 1
            self.tokens += tokens
            try:
                parsed = schema.model_validate_json(text)
            except ValidationError as err2:
                raise LLMError(f"the LLM's answer is not a valid {schema.__name__}: "
                               f"{err2.errors()[0]['loc']} {err2.errors()[0]['msg']}") from None
        self._record({"key": key, "schema": schema.__name__, "messages": messages,
                      "answer": parsed.model_dump_json(), "tokens": tokens})
        return parsed
