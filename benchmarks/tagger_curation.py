"""Do confirmed examples improve later suggestions? Cross-validated on our development set.

The development set (gcmhub/tagger/data/dev_*.jsonl) is split into 5 folds. For each fold:

- the other four folds play the part of passages people have already curated: their labels are
  the confirmed tags, and the suggestions the plain tagger made wrongly on them (out-of-fold)
  are the rejected ones;
- the plain tagger (weights and thresholds fitted on those four folds only) and the curated
  tagger (the same plus the ``confirmed``/``rejected`` features, fitted on the four folds with
  examples drawn across their own inner folds) then tag the held-out fold.

Precision, recall and F1 of the held-out predictions are pooled over the five folds, per kind.
The held-out texts are never among the examples or the fitting rows of their own fold.

    python benchmarks/tagger_curation.py [--share 1.0]

``--share`` keeps only that share of the training texts as curated examples (e.g. 0.25), to
see how the gain grows with curation; the curated layer itself is always fitted on the training
folds, as ``python -m gcmhub.tagger.calibrate`` fits it on the whole development set.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--share", type=float, nargs="*", default=[0.25, 1.0])
    args = parser.parse_args()

    from gcmhub.tagger import calibrate as cal
    from gcmhub.tagger.model import KINDS, Calibration, Tagger

    tagger = Tagger(calibration=Calibration(kinds={}))
    dev = cal.load_dev()
    fitter = cal.Fitter(tagger, dev)
    n = len(dev.texts)
    outer = cal.folds_of(n, seed=11)
    rng = np.random.default_rng(5)
    print(f"development set: {n} texts, 5 outer folds")
    for share in args.share:
        plain = np.zeros((n, len(tagger.items)), dtype=bool)
        curated = np.zeros_like(plain)
        for f in range(cal.FOLDS):
            test = np.flatnonzero(outer == f)
            train = np.flatnonzero(outer != f)
            inner = cal.folds_of(n, seed=f)
            base = fitter.fit_base(train)
            oof = fitter.out_of_fold(train, inner)
            thresholds = {}
            flagged = np.zeros_like(oof, dtype=bool)
            for kind, idx in fitter.kind_index.items():
                y = fitter.y[np.ix_(train, idx)].ravel()
                thresholds[kind] = cal.best_threshold(y, oof[np.ix_(train, idx)].ravel())
                flagged[:, idx] = oof[:, idx] >= thresholds[kind]
            # the curated layer is fitted once on the training folds (as calibrate.py does on
            # the whole set); the examples it then sees are a share of the training texts
            feats = fitter.curated_features(train, inner, flagged)
            params = fitter.fit_curated(feats, train)
            cur_thresholds = fitter.curated_thresholds(params, feats, train)
            kept = train[rng.random(len(train)) < share]
            ex = cal.exemplars_from(tagger, fitter.vectors, fitter.y, flagged, kept)
            test_feats, _ = tagger.features([dev.texts[i] for i in test], fitter.vectors[test], ex)
            base_probs = fitter.base_probs(base, test)
            for kind, idx in fitter.kind_index.items():
                w = np.asarray(params[kind]["weights"])
                p_cur = cal.predict(test_feats[:, idx, :], w, params[kind]["bias"])
                plain[np.ix_(test, idx)] = base_probs[:, idx] >= thresholds[kind]
                curated[np.ix_(test, idx)] = p_cur >= cur_thresholds[kind]
        print(f"\nshare of training texts used as curated examples: {share:.0%}")
        print(f"{'kind':12} {'plain P/R/F1':>22} {'curated P/R/F1':>22} {'F1 gain':>8}")
        for kind in KINDS:
            idx = fitter.kind_index[kind]
            y = fitter.y[:, idx].ravel()
            a = cal.prf(y, plain[:, idx].ravel())
            b = cal.prf(y, curated[:, idx].ravel())
            print(
                f"{kind:12} {a['precision']:6.3f} {a['recall']:6.3f} {a['f1']:6.3f}   "
                f"{b['precision']:6.3f} {b['recall']:6.3f} {b['f1']:6.3f}   "
                f"{b['f1'] - a['f1']:+7.3f}"
            )


if __name__ == "__main__":
    main()
