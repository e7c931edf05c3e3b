"""The LLM client: any OpenAI-compatible endpoint (OpenAI, vLLM, Ollama, llama.cpp server)
through the `openai` package, for structured questions only.

- `ask_json(system, user, schema)`: the answer is JSON, constrained where the server allows
  (`response_format={"type": "json_object", "schema": ...}`, or one forced tool call when
  `tools="auto"`), then parsed into the pydantic `schema` and an optional `check`. An answer
  that does not validate is sent back with the validation error up to `reasks` times; then
  the call fails with `LLMAnswerError`, recorded like any other call.
- Every request has `max_tokens` and a bounded timeout; 429, 5xx, timeouts, connection
  errors and garbage bodies are retried `max_retries` times with doubling backoff; 400, 401,
  403, 404 and 422 are not. Every error names the URL and the model (`LLMError`).
- Budgets (tokens per episode and per participant) and a call rate cap (calls per second).
- Thread-safe: participants call it from worker threads (`asyncio.to_thread` or an executor),
  so no model call ever runs on the event loop; `close()` aborts requests in flight.
- Record/replay: a JSON-lines cache keyed by the request (model, messages, schema, sampling
  parameters; not the URL). `record` answers from the cache when it can and appends every new
  call; `replay` answers only from it and raises `LLMReplayMiss` on a request it lacks;
  `live` neither reads nor writes it. A cached answer brings its recorded calls, tokens and
  seconds, so a replayed episode reports the same figures as the recorded one. The first
  line of a cache records the model, URL and mode it was made with.

Nothing the LLM writes is executed: answers are data, validated against a schema.
"""

from __future__ import annotations

import hashlib
import json
import logging
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from agents.settings import LLMSettings

T = TypeVar("T", bound=BaseModel)

log = logging.getLogger("causalcraft.llm")

NO_RETRY = frozenset({400, 401, 403, 404, 422})
ENDPOINT_ERRORS = frozenset({401, 403, 404})
HINTS = {400: "the request was refused (context too long, or a parameter the server lacks?)",
         401: "the key was refused (check OPENAI_API_KEY)",
         403: "the key may not use this model",
         404: "not found (does the base URL end in /v1, and does the server serve this model?)",
         422: "the server could not read the request"}


class LLMError(RuntimeError):
    """The LLM could not give a usable answer. The text names the URL and the model;
    `answer` holds the model's last text, when there was one."""

    answer: str | None = None


class LLMHTTPError(LLMError):
    """The endpoint failed (HTTP status, timeout, connection, garbage), after retries.
    `tries`: requests sent; `seconds`: time spent on them."""

    tries: int = 1
    seconds: float = 0.0


class LLMEndpointError(LLMHTTPError):
    """The endpoint refuses every call (401, 403, 404: wrong key, model or URL; nothing
    listening), or gave no usable answer to any of its first `UNUSABLE_AFTER` questions (it
    hangs, or answers something else than the JSON asked for): no episode can go on, so
    planning stops with one line."""


class LLMAnswerError(LLMError):
    """The model answered, but no answer validated after the re-asks."""


class LLMBudgetError(LLMError):
    """A token budget is spent: no further call is made."""


class LLMReplayMiss(LLMError):
    """Replay met a request that the cache does not hold."""


@dataclass
class CallRecord:
    """One question asked (with its re-asks and retries), as the result file lists it."""

    purpose: str
    agent: str
    key: str
    ok: bool
    requests: int = 0
    retries: int = 0
    reasks: int = 0
    parse_failures: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    error: str | None = None
    answer: str | None = None

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


def request_key(model: str, messages: list[dict[str, str]], schema: dict[str, Any],
                params: dict[str, Any]) -> str:
    """sha256 of what defines an answer (the URL is left out: a replay may point
    elsewhere)."""
    blob = json.dumps({"model": model, "messages": messages, "schema": schema,
                       "params": params}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


STRING_MAX = 80
"""Characters a free string of an answer may hold when its schema sets no `maxLength`."""

_ONE_LINE = '^[^"\\\\\\x00-\\x1f]{0,%d}$'


def bounded_strings(schema: Any) -> Any:
    """`schema` (a JSON schema) with every free string bounded: each `{"type": "string"}`
    without `const`, `enum`, `pattern` or `format` gets the `pattern` of one line of at most
    `maxLength` (default `STRING_MAX`) characters, no quote, backslash or control character.

    A server that turns the schema into a grammar (llama.cpp: `response_format`'s `schema`)
    then cannot let a small model write one string until `max_tokens` cuts the answer (its
    string grammar is otherwise unbounded and takes line breaks). A copy; the input is left
    as it is."""
    if isinstance(schema, list):
        return [bounded_strings(v) for v in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: {n: bounded_strings(s) for n, s in v.items()}
           if k in ("properties", "$defs", "definitions") and isinstance(v, dict)
           else v if k in ("const", "enum", "default", "examples") else bounded_strings(v)
           for k, v in schema.items()}
    if out.get("type") == "string" and not {"const", "enum", "pattern", "format"} & set(out):
        out["pattern"] = _ONE_LINE % int(out.get("maxLength", STRING_MAX))
    return out


def _first_json(text: str) -> Any:
    """The JSON value in the text (whole, or its first {...} span). Raw control characters
    inside strings (a line break in a reason, as small models write) are taken as they are
    (`json.loads(strict=False)`); anything else that is not JSON raises JSONDecodeError."""
    try:
        return json.loads(text, strict=False)
    except json.JSONDecodeError:
        start, end = text.find("{"), text.rfind("}")
        if 0 <= start < end:
            return json.loads(text[start:end + 1], strict=False)
        raise


def validation_text(err: ValidationError, limit: int = 3) -> str:
    """A short text for the model: the first errors, each `field: message`."""
    parts = []
    for e in err.errors()[:limit]:
        where = ".".join(str(p) for p in e["loc"]) or "(top level)"
        parts.append(f"{where}: {e['msg']}")
    return "; ".join(parts)


class _RateLimit:
    """At most `rate` calls per second across threads (0: unlimited)."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.next_at = 0.0
        self.lock = threading.Lock()

    def wait(self) -> None:
        if not self.interval:
            return
        with self.lock:
            now = time.monotonic()
            at = max(now, self.next_at)
            self.next_at = at + self.interval
        if at > now:
            time.sleep(at - now)


@dataclass
class _Outcome:
    text: str | None
    prompt_tokens: int
    completion_tokens: int
    seconds: float
    retries: int
    cut: bool = False
    """The server stopped the answer at max_tokens (finish_reason "length")."""


def cache_header(path: Path) -> dict[str, Any]:
    """The model, URL and mode a cache was recorded with (its first header line; {} when
    there is none)."""
    try:
        with path.open() as fh:
            for line in fh:
                rec = json.loads(line)
                if rec.get("cache") == "causalcraft-llm":
                    return {k: rec.get(k) for k in ("model", "base_url", "mode")}
    except (OSError, ValueError, AttributeError):
        return {}
    return {}


def _block(calls: list[dict[str, Any]]) -> dict[str, Any]:
    secs = [c["seconds"] for c in calls if c["requests"]]
    return {"calls": len(calls), "failed": sum(1 for c in calls if not c["ok"]),
            **{k: sum(c[k] for c in calls) for k in ("requests", "retries", "reasks",
                                                      "parse_failures", "prompt_tokens",
                                                      "completion_tokens")},
            "tokens": sum(c["prompt_tokens"] + c["completion_tokens"] for c in calls),
            "seconds": round(sum(secs), 3),
            "median_latency_s": round(statistics.median(secs), 3) if secs else 0.0}


def stats_of(calls: list[dict[str, Any]], model: str, base_url: str) -> dict[str, Any]:
    """The `llm` block of a result from its calls (`CallRecord` fields but `answer`, in the
    order asked): the totals (calls, failed, requests, retries, reasks, parse_failures,
    prompt/completion tokens, seconds, median_latency_s: the median seconds of a call that
    sent requests), the same per participant (`by_agent`) and per purpose (`by_purpose`),
    and `calls_log`, the calls themselves. A participant process's blocks merge by
    concatenating their `calls_log`s."""
    by_agent: dict[str, list[dict[str, Any]]] = {}
    by_purpose: dict[str, list[dict[str, Any]]] = {}
    for c in calls:
        by_agent.setdefault(c["agent"], []).append(c)
        by_purpose.setdefault(c["purpose"], []).append(c)
    return {"model": model, "base_url": base_url, **_block(calls),
            "by_agent": {a: _block(cs) for a, cs in sorted(by_agent.items())},
            "by_purpose": {p: _block(cs) for p, cs in sorted(by_purpose.items())},
            "calls_log": [dict(c) for c in calls]}


UNUSABLE_AFTER = 3
"""Questions in a row that may fail, before any has been answered, before the endpoint is
taken as unusable (`LLMEndpointError`): a server that hangs, or answers something that is
not the JSON asked for, to every question."""


def unusable_model(llm: dict[str, Any] | None) -> str | None:
    """Why an episode's LLM block (`stats_of`) measured no model at all: every question it
    asked failed. None when at least one was answered, or none was asked."""
    if not llm or not llm.get("calls") or llm.get("failed") != llm["calls"]:
        return None
    last = next((c.get("error") for c in reversed(llm.get("calls_log") or [])
                 if c.get("error")), None)
    return (f"the model at {llm.get('base_url') or '(no URL)'} (model {llm.get('model') or '?'}) "
            f"gave no usable answer to any of its {llm['calls']} questions"
            + (f"; the last: {last}" if last else ""))


class LLMClient:
    """Structured questions to one endpoint (see the module docstring). `transport`: an
    object with the `openai.OpenAI` interface (tests), else one is made from the settings."""

    def __init__(self, settings: LLMSettings, transport: Any = None) -> None:
        self.settings = settings
        self.records: list[CallRecord] = []
        self.cache_hits = 0
        self.replay_misses = 0
        """Requests a replay met that the recording does not hold (the run then differs)."""
        self._cache: dict[str, dict[str, Any]] = {}
        self._client = transport
        self._lock = threading.Lock()
        self._rate = _RateLimit(settings.rate)
        self._closed = False
        self._answered = False
        """Some question was answered: the endpoint is usable, whatever fails later."""
        self._failed_in_a_row = 0
        self.unusable: str | None = None
        """Why no question to this endpoint can be answered (its `LLMEndpointError`), once
        one said so: an episode stops on it (`tasks.episode`)."""
        if settings.mode != "live" and settings.cache and settings.cache.exists():
            for line in settings.cache.read_text().splitlines():
                try:
                    rec = json.loads(line)
                    if "key" in rec:
                        self._cache[rec["key"]] = rec
                except (ValueError, KeyError, TypeError):
                    # A torn last line (a killed run) is skipped, never fatal; the file keeps it.
                    continue
        if settings.mode == "record" and settings.cache is not None and \
                not cache_header(settings.cache):
            self._write({"cache": "causalcraft-llm", "model": settings.model,
                         "base_url": settings.base_url, "mode": settings.mode})

    # -- accounting -----------------------------------------------------------------------
    @property
    def where(self) -> str:
        return f"{self.settings.base_url or '(no URL)'} (model {self.settings.model or '?'})"

    @property
    def calls(self) -> int:
        """Questions asked (each counts once, with its re-asks and retries inside)."""
        return len(self.records)

    @property
    def tokens(self) -> int:
        return sum(r.tokens for r in self.records)

    def tokens_of(self, agent: str) -> int:
        return sum(r.tokens for r in self.records if r.agent == agent)

    def stats(self) -> dict[str, Any]:
        """The `llm` block of a result: totals, per participant, per purpose, every call
        (see `stats_of`)."""
        with self._lock:
            recs = list(self.records)
        out = stats_of([{k: v for k, v in asdict(r).items() if k != "answer"} for r in recs],
                       self.settings.model, self.settings.base_url)
        if self.replay_misses:
            out["replay_misses"] = self.replay_misses
        return out

    # -- transport ------------------------------------------------------------------------
    def _openai(self) -> Any:
        with self._lock:
            if self._client is None:
                import openai

                self._client = openai.OpenAI(
                    base_url=self.settings.base_url,
                    api_key=self.settings.api_key.get_secret_value() or "none",
                    timeout=self.settings.timeout_s, max_retries=0)
            return self._client

    def close(self) -> None:
        """Abort requests in flight and refuse new ones (the episode is over)."""
        self._closed = True
        client = self._client
        if client is not None and hasattr(client, "close"):
            try:
                client.close()
            except Exception:  # noqa: BLE001 - closing is best effort
                pass

    def _request(self, messages: list[dict[str, str]], schema: dict[str, Any],
                 temperature: float, seed: int, tool: str | None) -> _Outcome:
        """One answer over HTTP, with retries. Raises LLMHTTPError naming URL and model."""
        import openai

        s = self.settings
        kwargs: dict[str, Any] = {"model": s.model, "messages": messages,
                                  "temperature": temperature, "seed": seed,
                                  "max_tokens": s.max_tokens}
        if tool and s.tools == "auto":
            kwargs["tools"] = [{"type": "function", "function": {
                "name": tool, "description": "answer with this tool", "parameters": schema}}]
            kwargs["tool_choice"] = {"type": "function", "function": {"name": tool}}
        else:
            kwargs["response_format"] = {"type": "json_object", "schema": schema}
        delay = s.backoff_s
        t0 = time.perf_counter()
        connects_failed = 0
        for attempt in range(s.max_retries + 1):
            if self._closed:
                raise LLMHTTPError(f"{self.where}: the client was closed")
            self._rate.wait()
            started = time.perf_counter()
            try:
                resp = self._openai().chat.completions.create(**kwargs)
                msg = resp.choices[0].message
                if tool and s.tools == "auto" and getattr(msg, "tool_calls", None):
                    text = msg.tool_calls[0].function.arguments
                else:
                    text = msg.content
                if not isinstance(text, str):
                    raise TypeError("the answer has no text")
                usage = resp.usage
                log.info("llm %s: %.2fs, %s+%s tokens%s", self.where,
                         time.perf_counter() - started, getattr(usage, "prompt_tokens", "?"),
                         getattr(usage, "completion_tokens", "?"),
                         f" (retry {attempt})" if attempt else "")
                return _Outcome(text, int(getattr(usage, "prompt_tokens", 0) or 0),
                                int(getattr(usage, "completion_tokens", 0) or 0),
                                time.perf_counter() - t0, attempt,
                                getattr(resp.choices[0], "finish_reason", None) == "length")
            except openai.APIStatusError as err:
                code = err.status_code
                why = f"HTTP {code}"
                if code in HINTS:
                    why += f": {HINTS[code]}"
                if code in NO_RETRY:
                    cls = LLMEndpointError if code in ENDPOINT_ERRORS else LLMHTTPError
                    err_ = cls(f"{self.where}: {why}")
                    err_.tries, err_.seconds = attempt + 1, time.perf_counter() - t0
                    raise err_ from None
            except openai.APITimeoutError:
                why = f"no answer within {s.timeout_s:g} s"
            except openai.APIConnectionError as err:
                why = f"cannot connect ({err.__cause__ or err})"
                connects_failed += 1
            except (TypeError, AttributeError, IndexError, ValueError,
                    openai.APIResponseValidationError) as err:
                why = f"the server's reply is not an OpenAI chat completion ({err})"
            if attempt < s.max_retries:
                log.info("llm %s: %s; retry %d in %.1fs", self.where, why, attempt + 1, delay)
                time.sleep(delay)
                delay *= 2
        # No try reached a server: nothing answers at the URL, and no call will do better.
        cls = LLMEndpointError if connects_failed == s.max_retries + 1 else LLMHTTPError
        failure = cls(f"{self.where}: {why} (after {s.max_retries + 1} tries)")
        failure.tries, failure.seconds = s.max_retries + 1, time.perf_counter() - t0
        raise failure

    # -- the cache ------------------------------------------------------------------------
    def _write(self, rec: dict[str, Any]) -> None:
        cache = self.settings.cache
        if cache is None or self.settings.mode != "record":
            return
        cache.parent.mkdir(parents=True, exist_ok=True)
        with cache.open("a") as fh:
            fh.write(json.dumps(rec, ensure_ascii=False, sort_keys=True) + "\n")

    # -- the question ---------------------------------------------------------------------
    def ask_json(self, system: str, user: str, schema: type[T], *,
                 json_schema: dict[str, Any] | None = None,
                 check: Callable[[T], str | None] | None = None,
                 purpose: str = "ask", agent: str = "planner",
                 temperature: float | None = None, seed: int | None = None,
                 tool: str | None = None) -> T:
        """One structured question, the answer parsed into `schema` (then `check`: None or
        what is wrong). `json_schema` is what the server is sent (default: the model's).
        Raises LLMError subclasses; every call, failed or not, is recorded."""
        s = self.settings
        sent = bounded_strings(json_schema or schema.model_json_schema())
        temp = s.temperature if temperature is None else temperature
        seed_ = s.seed if seed is None else seed
        messages = [{"role": "system", "content": system},
                    {"role": "user", "content": user}]
        key = request_key(s.model, messages, sent,
                          {"temperature": temp, "seed": seed_, "max_tokens": s.max_tokens,
                           "reasks": s.reasks, "tool": tool if s.tools == "auto" else None})
        self._spend_check(agent)
        if s.mode != "live":
            with self._lock:
                hit = self._cache.get(key)
            if hit is not None:
                return self._from_cache(hit, schema, check, purpose, agent)
            if s.mode == "replay":
                with self._lock:
                    self.replay_misses += 1
                raise LLMReplayMiss(f"replay of {s.cache}: no recorded answer for this "
                                    f"{purpose} request of {agent} (key {key[:12]}); the "
                                    "episode differs from the recorded one")
        rec = CallRecord(purpose, agent, key[:16], ok=False)
        convo = list(messages)
        parsed: T | None = None
        spent: str | None = None
        try:
            for round_ in range(s.reasks + 1):
                # A re-ask is a request like any other: not once the budget is spent.
                spent = self._over_budget(agent, rec.prompt_tokens + rec.completion_tokens) \
                    if round_ else None
                if spent:
                    rec.error = f"{self.where}: no valid {purpose} answer; {spent}"
                    break
                rec.reasks += 1 if round_ else 0
                out = self._request(convo, sent, temp, seed_ + round_, tool)
                rec.requests += out.retries + 1
                rec.retries += out.retries
                rec.prompt_tokens += out.prompt_tokens
                rec.completion_tokens += out.completion_tokens
                rec.seconds += out.seconds
                text = out.text or ""
                problem = self._validate(text, schema, check)
                if isinstance(problem, BaseModel):
                    parsed = problem  # type: ignore[assignment]
                    rec.answer = text
                    break
                rec.parse_failures += 1
                if out.cut:
                    problem = (f"the answer was cut at --max-tokens {s.max_tokens} (raise it): "
                               f"{problem}")
                log.info("llm %s answer of %s for %s invalid: %s", purpose, agent, self.where,
                         problem)
                if round_ == s.reasks:
                    rec.error = f"{self.where}: no valid {purpose} answer after {s.reasks} " \
                                f"re-asks: {problem}"
                    rec.answer = text
                    break
                convo = [*convo, {"role": "assistant", "content": text},
                         {"role": "user", "content": f"That answer is invalid: {problem}. "
                                                     "Answer again with valid JSON only."}]
        except LLMHTTPError as err:
            rec.error = str(err)
            rec.requests += err.tries
            rec.retries += err.tries - 1
            rec.seconds += err.seconds
            endpoint = isinstance(err, LLMEndpointError)
        else:
            endpoint = False
        rec.ok = parsed is not None
        rec.seconds = round(rec.seconds, 3)
        with self._lock:
            if parsed is not None:
                self._answered = True
            elif not spent and not endpoint:
                self._failed_in_a_row += 1
            unusable = parsed is None and not spent and not endpoint \
                and not self._answered and self._failed_in_a_row >= UNUSABLE_AFTER
            if unusable:
                # Nothing this endpoint says is usable: stop, as for a wrong URL or model.
                rec.error = (f"{self.where}: no usable answer to the first "
                             f"{self._failed_in_a_row} questions (the last: "
                             f"{rec.error or 'no answer'})")
            self.records.append(rec)
            entry = {"key": key, **{k: v for k, v in asdict(rec).items() if k != "key"}}
            if endpoint or unusable:
                entry["endpoint"] = True  # a replay stops where this run stopped
            self._cache[key] = entry
            self._write(entry)
        if parsed is None:
            err_cls = LLMBudgetError if spent else LLMEndpointError if endpoint or unusable \
                else LLMHTTPError if rec.parse_failures == 0 else LLMAnswerError
            failure = err_cls(rec.error or f"{self.where}: no answer")
            if err_cls is LLMEndpointError:
                self.unusable = self.unusable or str(failure)
            failure.answer = rec.answer
            raise failure
        return parsed

    def _validate(self, text: str, schema: type[T],
                  check: Callable[[T], str | None] | None) -> T | str:
        try:
            data = _first_json(text)
        except json.JSONDecodeError as err:
            return f"not JSON ({err.msg})"
        try:
            parsed = schema.model_validate(data)
        except ValidationError as err:
            return validation_text(err)
        if check is not None:
            why = check(parsed)
            if why:
                return why
        return parsed

    def _from_cache(self, hit: dict[str, Any], schema: type[T],
                    check: Callable[[T], str | None] | None, purpose: str, agent: str) -> T:
        fields = {k: hit[k] for k in CallRecord.__dataclass_fields__ if k in hit}
        rec = CallRecord(**{**fields, "key": str(hit["key"])[:16], "purpose": purpose,
                            "agent": agent})
        with self._lock:
            self.cache_hits += 1
            self.records.append(rec)
            self._answered = self._answered or rec.ok
        log.info("llm %s answer of %s from the cache (%s, %d tokens recorded)", purpose, agent,
                 "ok" if rec.ok else "failed", rec.tokens)
        if not rec.ok:
            err_cls = LLMEndpointError if hit.get("endpoint") else \
                LLMAnswerError if rec.parse_failures else LLMHTTPError
            failure = err_cls(rec.error or f"{self.where}: recorded failure")
            failure.answer = rec.answer
            if err_cls is LLMEndpointError:
                self.unusable = self.unusable or str(failure)
            raise failure
        parsed = self._validate(rec.answer or "", schema, check)
        if isinstance(parsed, str):
            raise LLMAnswerError(f"the recorded {purpose} answer no longer validates: {parsed}")
        return parsed

    def _spend_check(self, agent: str, pending: int = 0) -> None:
        """Raises LLMBudgetError when the episode's or `agent`'s tokens are spent, counting
        `pending` tokens of the question under way (its earlier rounds) with the records."""
        why = self._over_budget(agent, pending)
        if why:
            raise LLMBudgetError(why)

    def _over_budget(self, agent: str, pending: int = 0) -> str | None:
        s = self.settings
        with self._lock:
            total = sum(r.tokens for r in self.records) + pending
            mine = sum(r.tokens for r in self.records if r.agent == agent) + pending
        if s.budget_tokens is not None and total >= s.budget_tokens:
            return f"the episode's LLM budget of {s.budget_tokens} tokens is spent ({total} used)"
        if s.agent_budget_tokens is not None and mine >= s.agent_budget_tokens:
            return f"{agent}'s LLM budget of {s.agent_budget_tokens} tokens is spent ({mine} used)"
        return None
