"""Accuracy, macro-F1, ROC-AUC and the optimiser, against figures worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from teamwell.bot.sentiment.fit import fit_softmax, lbfgs, softmax
from teamwell.bot.sentiment.metrics import accuracy, macro_f1, roc_auc


def test_accuracy_is_the_share_of_rows_predicted_right() -> None:
    assert accuracy(np.array([0, 1, 2, 2]), np.array([0, 2, 2, 2])) == 0.75


def test_macro_f1_averages_the_f1_of_each_class_unweighted() -> None:
    # class 0: tp 1, predicted 1, actual 2 -> 2/3; class 1: tp 2, predicted 3, actual 2 -> 4/5
    result = macro_f1(np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1]))
    assert result == pytest.approx((2 / 3 + 4 / 5) / 2)


def test_macro_f1_counts_a_prediction_outside_the_labels_as_a_miss() -> None:
    # a neutral (1) prediction on a positive/negative set: class 0 gets F1 0, class 2 gets 1
    assert macro_f1(np.array([0, 2]), np.array([1, 2]), labels=[0, 2]) == pytest.approx(0.5)


def test_roc_auc_is_the_share_of_positive_negative_pairs_ranked_right() -> None:
    # pairs (pos, neg): (0.35, 0.1) right, (0.35, 0.4) wrong, (0.8, 0.1) right, (0.8, 0.4) right
    assert roc_auc(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8])) == 0.75


def test_roc_auc_counts_a_tie_as_one_half() -> None:
    assert roc_auc(np.array([0, 1, 1]), np.array([0.5, 0.5, 0.9])) == 0.75


def test_roc_auc_is_undefined_without_both_classes() -> None:
    assert math.isnan(roc_auc(np.array([1, 1]), np.array([0.2, 0.3])))


def test_softmax_rows_sum_to_one_even_for_huge_logits() -> None:
    proba = softmax(np.array([[1000.0, 1000.0], [0.0, math.log(3.0)]]))
    assert proba == pytest.approx(np.array([[0.5, 0.5], [0.25, 0.75]]))


def test_lbfgs_finds_the_minimum_of_a_quadratic() -> None:
    target = np.array([3.0, -2.0])

    def f(x: np.ndarray) -> tuple[float, np.ndarray]:
        return float(np.sum((x - target) ** 2)), 2 * (x - target)

    assert lbfgs(f, np.zeros(2)) == pytest.approx(target, abs=1e-5)


def test_fit_softmax_separates_classes_that_a_line_separates() -> None:
    x = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9], [-1.0, 0.0], [-0.9, -0.1]])
    y = np.array([0, 0, 1, 1, 2, 2])
    weights, bias = fit_softmax(x, y, 3, l2=1e-3)
    assert (softmax(x @ weights.T + bias).argmax(axis=1) == y).all()
