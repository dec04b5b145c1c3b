"""Fit the tagger's logistic layer and thresholds on our own development set.

    python -m gcmhub.tagger.calibrate            # refit and write data/calibration.json
    python -m gcmhub.tagger.calibrate --check    # refit and compare, write nothing

The development set (``data/dev_gcm.jsonl``, ``data/dev_sdg.jsonl``) was written for gcmhub:
short texts labelled with every framework item they address, with near misses and texts
about nothing in the framework. Per kind:

1. features of every (text, item) pair (see ``model``), label 1 when the item is listed;
2. a logistic regression with an L2 penalty, fitted by Newton's method;
3. the threshold: the probability that maximises F1 over out-of-fold predictions
   (5 folds by text), so it is not chosen on the rows that fitted the weights;
4. the curated variant: for each fold, the other folds' labelled texts act as confirmed
   examples and their false positives as rejected ones; the extra features so obtained fit
   a second set of weights, used when curated examples exist.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from gcmhub.tagger.model import (
    BASE_FEATURES,
    CURATED_FEATURES,
    DATA,
    DEV_FILES,
    KINDS,
    Calibration,
    Exemplars,
    Tagger,
    data_digest,
)

L2 = 1.0
FOLDS = 5
GRID = np.round(np.arange(0.10, 0.91, 0.01), 2)


@dataclass
class DevSet:
    ids: list[str]
    texts: list[str]
    labels: list[set[str]]


def load_dev(names: Sequence[str] = DEV_FILES) -> DevSet:
    ids, texts, labels = [], [], []
    for name in names:
        if not (DATA / name).exists():
            continue
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                ids.append(str(row["id"]))
                texts.append(row["text"])
                labels.append(set(row["labels"]))
    return DevSet(ids, texts, labels)


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = L2) -> tuple[np.ndarray, float]:
    xb = np.c_[x, np.ones(len(x))]
    w = np.zeros(xb.shape[1])
    penalty = np.full(xb.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-np.clip(xb @ w, -30, 30)))
        grad = xb.T @ (p - y) + penalty * w
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[:-1], float(w[-1])


def predict(x: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x @ w + b, -30, 30)))


def prf(y: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    tp = float(np.sum(pred & (y == 1)))
    fp = float(np.sum(pred & (y == 0)))
    fn = float(np.sum(~pred & (y == 1)))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def best_threshold(y: np.ndarray, p: np.ndarray) -> float:
    scores = [prf(y, p >= t)["f1"] for t in GRID]
    return float(GRID[int(np.argmax(scores))])


def expected_calibration_error(y: np.ndarray, p: np.ndarray, bins: int = 10) -> float:
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for lo, hi in itertools.pairwise(edges):
        mask = (p >= lo) & (p < hi) if hi < 1 else (p >= lo)
        if mask.any():
            total += mask.sum() * abs(p[mask].mean() - y[mask].mean())
    return float(total / len(y))


def label_matrix(tagger: Tagger, dev: DevSet) -> np.ndarray:
    keys = [it.key for it in tagger.items]
    known = set(keys)
    unknown = sorted({lab for labels in dev.labels for lab in labels} - known)
    if unknown:
        raise SystemExit(f"development labels name unknown items: {', '.join(unknown)}")
    return np.array([[k in labels for k in keys] for labels in dev.labels], dtype=float)


def folds_of(n: int, k: int = FOLDS, seed: int = 7) -> np.ndarray:
    rng = np.random.default_rng(seed)
    fold = np.arange(n) % k
    rng.shuffle(fold)
    return fold


def exemplars_from(
    tagger: Tagger,
    vectors: np.ndarray,
    y: np.ndarray,
    flagged: np.ndarray,
    rows: np.ndarray,
) -> Exemplars:
    """Confirmed = labelled rows; rejected = rows flagged by the base model but not labelled."""
    ex = Exemplars()
    for i, item in enumerate(tagger.items):
        pos = rows[y[rows, i] == 1]
        neg = rows[(y[rows, i] == 0) & flagged[rows, i]]
        if len(pos):
            ex.confirmed[item.key] = vectors[pos]
        if len(neg):
            ex.rejected[item.key] = vectors[neg]
    return ex


class Fitter:
    """Everything ``calibrate`` and the curation benchmark share."""

    def __init__(self, tagger: Tagger, dev: DevSet) -> None:
        self.tagger = tagger
        self.dev = dev
        self.vectors = tagger.embed(dev.texts)
        self.base, _ = tagger.features(dev.texts, self.vectors)
        self.y = label_matrix(tagger, dev)
        self.kind_index = {
            k: np.array([i for i, it in enumerate(tagger.items) if it.kind == k]) for k in KINDS
        }

    def fit_base(self, rows: np.ndarray) -> dict[str, dict[str, Any]]:
        params = {}
        for kind, idx in self.kind_index.items():
            x = self.base[np.ix_(rows, idx)].reshape(-1, len(BASE_FEATURES))
            w, b = fit_logistic(x, self.y[np.ix_(rows, idx)].ravel())
            params[kind] = {"weights": w.tolist(), "bias": b}
        return params

    def base_probs(self, params: dict[str, dict[str, Any]], rows: np.ndarray) -> np.ndarray:
        probs = np.zeros((len(rows), len(self.tagger.items)))
        for kind, idx in self.kind_index.items():
            w, b = np.asarray(params[kind]["weights"]), params[kind]["bias"]
            probs[:, idx] = predict(self.base[np.ix_(rows, idx)], w, b)
        return probs

    def out_of_fold(self, rows: np.ndarray, fold: np.ndarray) -> np.ndarray:
        """Base probabilities of ``rows``, each predicted by a model fitted without its fold."""
        probs = np.zeros((len(self.y), len(self.tagger.items)))
        for f in np.unique(fold[rows]):
            test = rows[fold[rows] == f]
            train = rows[fold[rows] != f]
            probs[test] = self.base_probs(self.fit_base(train), test)
        return probs

    def curated_features(
        self, rows: np.ndarray, fold: np.ndarray, flagged: np.ndarray
    ) -> np.ndarray:
        """Features of ``rows`` with exemplars drawn from the other folds among ``rows``."""
        out = np.zeros((len(self.y), len(self.tagger.items), 9), dtype=np.float32)
        for f in np.unique(fold[rows]):
            test = rows[fold[rows] == f]
            train = rows[fold[rows] != f]
            ex = exemplars_from(self.tagger, self.vectors, self.y, flagged, train)
            feats, _ = self.tagger.features(
                [self.dev.texts[i] for i in test], self.vectors[test], ex
            )
            out[test] = feats
        return out

    def curated_thresholds(
        self, params: dict[str, dict[str, Any]], feats: np.ndarray, rows: np.ndarray
    ) -> dict[str, float]:
        """Per kind, the F1-best threshold of the curated weights on the rows they were fitted
        on (their examples came from other folds, so the features themselves are honest)."""
        out = {}
        for kind, idx in self.kind_index.items():
            w, b = np.asarray(params[kind]["weights"]), params[kind]["bias"]
            p = predict(feats[np.ix_(rows, idx)], w, b).ravel()
            out[kind] = best_threshold(self.y[np.ix_(rows, idx)].ravel(), p)
        return out

    def fit_curated(self, feats: np.ndarray, rows: np.ndarray) -> dict[str, dict[str, Any]]:
        params = {}
        width = len(BASE_FEATURES) + len(CURATED_FEATURES)
        for kind, idx in self.kind_index.items():
            x = feats[np.ix_(rows, idx)].reshape(-1, width)
            w, b = fit_logistic(x, self.y[np.ix_(rows, idx)].ravel())
            params[kind] = {"weights": w.tolist(), "bias": b}
        return params


def calibrate(tagger: Tagger | None = None) -> tuple[Calibration, dict[str, Any]]:
    tagger = tagger or Tagger(calibration=Calibration(kinds={}))
    dev = load_dev()
    fitter = Fitter(tagger, dev)
    rows = np.arange(len(dev.texts))
    fold = folds_of(len(rows))
    base = fitter.fit_base(rows)
    oof = fitter.out_of_fold(rows, fold)
    report: dict[str, Any] = {}
    kinds: dict[str, dict[str, Any]] = {}
    flagged = np.zeros_like(oof, dtype=bool)
    for kind, idx in fitter.kind_index.items():
        y = fitter.y[:, idx].ravel()
        p = oof[:, idx].ravel()
        threshold = best_threshold(y, p)
        flagged[:, idx] = oof[:, idx] >= threshold
        kinds[kind] = {"threshold": threshold, "base": base[kind]}
        report[kind] = {
            "positives": int(y.sum()),
            "threshold": threshold,
            **{k: round(v, 3) for k, v in prf(y, p >= threshold).items()},
            "ece": round(expected_calibration_error(y, p), 4),
        }
    curated_feats = fitter.curated_features(rows, fold, flagged)
    curated = fitter.fit_curated(curated_feats, rows)
    curated_thresholds = fitter.curated_thresholds(curated, curated_feats, rows)
    for kind in KINDS:
        kinds[kind]["curated"] = curated[kind]
        kinds[kind]["curated_threshold"] = curated_thresholds[kind]
    meta = {
        "encoder": tagger.encoder.name,
        "features": list(BASE_FEATURES),
        "curated_features": list(BASE_FEATURES + CURATED_FEATURES),
        "data_sha256": data_digest(),
        "development_texts": len(dev.texts),
        "report": report,
    }
    return Calibration(kinds=kinds, meta=meta), report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="refit and compare, write nothing")
    args = parser.parse_args(argv)
    calibration, report = calibrate()
    for kind, row in report.items():
        print(
            f"{kind:12} positives {row['positives']:4}  threshold {row['threshold']:.2f}  "
            f"P {row['precision']:.3f}  R {row['recall']:.3f}  F1 {row['f1']:.3f}  "
            f"ECE {row['ece']:.4f}"
        )
    if args.check:
        current = Calibration.load()
        same = current.meta.get("data_sha256") == calibration.meta["data_sha256"]
        print("calibration is up to date" if same else "calibration is out of date")
        return 0 if same else 1
    calibration.save()
    print(f"wrote {DATA / 'calibration.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
