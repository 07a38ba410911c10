"""Shipped linear models: weights trained by scripts/train_extractor.py, read without scikit-learn.

A model file (``src/jervis/data/text/models/<name>.json``) holds one weight per feature string
per class, a bias, the decision threshold chosen on the dev split, and where its training data
came from. Scoring is a sum of weights: no model hub, nothing downloaded, microseconds a call.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from jervis.errors import JervisError


@dataclass(frozen=True)
class LinearModel:
    """Binary (one class) or multi-class logistic regression over string features."""

    name: str
    classes: tuple[str, ...]
    weights: dict[str, tuple[float, ...]]  # feature -> one weight per class
    bias: tuple[float, ...]
    threshold: float
    info: dict
    thresholds: dict[str, float] | None = None  # per class, for multi-class models

    def scores(self, features: list[str]) -> list[float]:
        """Raw scores (log-odds) per class."""
        get = self.weights.get
        if len(self.bias) == 1:  # binary: one running sum, added in the features' order
            z = self.bias[0]
            for f in features:
                w = get(f)
                if w is not None:
                    z += w[0]
            return [z]
        if len(self.bias) == 5:  # the role model: the same sums, class by class, unrolled
            t0, t1, t2, t3, t4 = self.bias
            for f in features:
                w = get(f)
                if w is not None:
                    t0 += w[0]
                    t1 += w[1]
                    t2 += w[2]
                    t3 += w[3]
                    t4 += w[4]
            return [t0, t1, t2, t3, t4]
        total = list(self.bias)
        for f in features:
            w = get(f)
            if w is not None:
                for k, v in enumerate(w):
                    total[k] += v
        return total

    def probability(self, features: list[str]) -> float:
        """P(positive) for a binary model."""
        z = self.scores(features)[0]
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def predict(self, features: list[str]) -> bool:
        return self.probability(features) >= self.threshold

    def distribution(self, features: list[str]) -> list[float]:
        """Softmax probability of each class of a multi-class model."""
        z = self.scores(features)
        top = max(z)
        exp = [math.exp(v - top) for v in z]
        total = sum(exp)
        return [e / total for e in exp]

    def best(self, features: list[str]) -> tuple[str, float]:
        """(class, softmax probability) of a multi-class model."""
        z = self.scores(features)
        top = max(z)
        exp = [math.exp(v - top) for v in z]
        k = max(range(len(z)), key=z.__getitem__)
        return self.classes[k], exp[k] / sum(exp)


def from_dict(data: dict) -> LinearModel:
    classes = tuple(data["classes"])
    weights = {f: tuple(w) for f, w in data["weights"].items()}
    return LinearModel(data["name"], classes, weights, tuple(data["bias"]),
                       float(data.get("threshold", 0.5)), data.get("info", {}),
                       data.get("thresholds"))  # fmt: skip


@lru_cache(maxsize=8)
def load_model(name: str) -> LinearModel:
    """A shipped model by name (``trigger``, ``roles``, ``detector``)."""
    ref = resources.files("jervis.data").joinpath(f"text/models/{name}.json")
    try:
        data = json.loads(ref.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError) as exc:
        raise JervisError(
            f"shipped model {name!r} missing or broken ({exc}); rebuild it with "
            "scripts/train_extractor.py"
        ) from None
    return from_dict(data)
