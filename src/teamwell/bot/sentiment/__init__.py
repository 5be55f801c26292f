"""Comment sentiment models: a lexicon (VADER), the default (all-MiniLM-L6-v2 and a small head
committed here) and any Hugging Face text-classification model; `load_sentiment_model` picks one.

Importing this package loads no model and imports neither torch nor transformers.
"""

from teamwell.bot.sentiment.factory import SETTING, SentimentModelError, load_sentiment_model

__all__ = ["SETTING", "SentimentModelError", "load_sentiment_model"]
