"""llama.cpp's OpenAI-compatible server (llama-cpp-python) with llama.cpp's extra buffer types
off, for CPUs that advertise AMX but fault on it (the stock server dies with an illegal
instruction on its first chat request there).

    python -m agents.llama_server --config_file llama.json

takes the same arguments and config file as `python -m llama_cpp.server`. llama-cpp-python's
model settings have no field for `use_extra_bufts` (llama.cpp's `llama_model_params`), so
every model this process loads starts from default parameters with it set to False.
Needs `llama-cpp-python[server]` (`make llm-server`).
"""

from __future__ import annotations

from typing import Any


def extra_bufts_off() -> None:
    """Make every `llama_model_default_params()` of this process have
    `use_extra_bufts = False` (the field of llama.cpp's `llama_model_params`)."""
    import llama_cpp.llama_cpp as lib

    default = lib.llama_model_default_params
    if getattr(default, "extra_bufts_off", False):
        return

    def params() -> Any:
        p = default()
        p.use_extra_bufts = False
        return p

    params.extra_bufts_off = True  # type: ignore[attr-defined]
    lib.llama_model_default_params = params


def main() -> None:
    extra_bufts_off()
    from llama_cpp.server.__main__ import main as serve

    serve()


if __name__ == "__main__":
    main()
