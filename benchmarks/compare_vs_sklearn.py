"""`actlab compare` (12 default activations, digits, MLP(64,64), 5 folds) vs scikit-learn's GridSearchCV over
MLPClassifier's 4 activations (cv=5, n_jobs=2), and vs a one-model-at-a-time PyTorch loop (the same engine with one
model per stack).  Prints wall times, best mean CV accuracies and the ratios, all measured in this run.

Goal (issue #4): actlab's time / sklearn's time <= 1 with a best mean accuracy at least as high.

    python benchmarks/compare_vs_sklearn.py [--loop-models 10]
"""
from __future__ import annotations

import argparse
import time
import warnings



def sklearn_grid(X, y, splits):
    """GridSearchCV(MLPClassifier(64, 64), 4 activations, n_jobs=2) on the same 5 folds as actlab (its defaults:
    Adam, lr 1e-3, batch 200, up to 200 epochs, raw features -- on digits raw pixels beat standardised ones)."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import GridSearchCV
    from sklearn.neural_network import MLPClassifier
    model = MLPClassifier(hidden_layer_sizes=(64, 64), random_state=0)
    grid = GridSearchCV(model, {"activation": ["identity", "logistic", "tanh", "relu"]}, cv=splits, n_jobs=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        grid.fit(X, y)
        elapsed = time.perf_counter() - start
    means = dict(zip([p["activation"] for p in grid.cv_results_["params"]],
                     grid.cv_results_["mean_test_score"]))
    return elapsed, means


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loop-models", type=int, default=12,
                        help="models timed one at a time for the loop baseline (its time is scaled to all 60)")
    args = parser.parse_args()
    import torch

    from actlab.compare import compare, load
    from actlab.compare.api import make_splits, resolve_activations, unit_seed
    from actlab.compare.engine import TrainConfig, train_stack

    data = load("digits")
    print(f"digits {data.X.shape}, torch {torch.__version__} ({torch.get_num_threads()} threads)")

    splits = make_splits(data.y, "classification", 5, 1, 0)
    sk_time, sk_means = sklearn_grid(data.X, data.y, splits)
    sk_best = max(sk_means, key=sk_means.get)
    print(f"scikit-learn GridSearchCV(MLPClassifier(64,64), 4 activations, same 5 folds, n_jobs=2): {sk_time:6.1f} s, "
          f"best {sk_best} {sk_means[sk_best]:.4f}   " + ", ".join(f"{k} {v:.4f}" for k, v in sk_means.items()))

    start = time.perf_counter()
    result = compare(data, folds=5, seed=0)
    ours = time.perf_counter() - start
    table = result.summary
    best = table.iloc[0]
    print(f"actlab compare (12 activations, 5 folds, stacked):                {ours:6.1f} s, "
          f"best {best.activation} {best['mean']:.4f}")
    print("   " + ", ".join(f"{a} {m:.4f}" for a, m in zip(table.activation, table["mean"])))

    # one model at a time: the same engine, one (activation, fold) per stack
    candidates = resolve_activations(None)
    config = TrainConfig()
    # spread the timed models over the activations (cheap and costly ones alike)
    jobs = [(f, splits[i % len(splits)]) for i, f in enumerate(candidates)][: max(1, args.loop_models)]
    start = time.perf_counter()
    for f, split in jobs:
        train_stack(data.X, data.y, "classification", 10, [split], [f.to_config()], config, 0, [unit_seed(0, f)])
    loop = (time.perf_counter() - start) / len(jobs) * len(candidates) * len(splits)
    print(f"one-model-at-a-time loop (same engine, {len(jobs)} of 60 models timed, scaled): {loop:6.1f} s")
    print()
    print(f"ratio actlab / sklearn time : {ours / sk_time:.2f}  (goal <= 1; 3x the models)")
    print(f"ratio actlab / loop time    : {ours / loop:.2f}")
    print(f"best accuracy actlab - sklearn: {best['mean'] - sk_means[sk_best]:+.4f}  (goal >= 0)")


if __name__ == "__main__":
    main()
