"""Multinomial logistic regression with L2 regularisation, fitted by L-BFGS in plain numpy."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Objective = Callable[[np.ndarray], tuple[float, np.ndarray]]


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax, stable for large logits."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    out: np.ndarray = e / e.sum(axis=1, keepdims=True)
    return out


def fit_softmax(x: np.ndarray, y: np.ndarray, n_classes: int, l2: float,
                sample_weight: np.ndarray | None = None, max_iter: int = 2000
                ) -> tuple[np.ndarray, np.ndarray]:
    """Weights (n_classes x d) and biases minimising weighted cross-entropy + l2/2 |W|^2."""
    x = np.asarray(x, dtype=np.float64)
    n, d = x.shape
    w = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    w = w / w.sum()
    onehot = np.zeros((n, n_classes))
    onehot[np.arange(n), y] = 1.0

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        weights, bias = theta[:-n_classes].reshape(n_classes, d), theta[-n_classes:]
        logits = x @ weights.T + bias
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_norm = np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        log_p = shifted - log_norm
        loss = -float(np.sum(w[:, None] * onehot * log_p)) + 0.5 * l2 * float(np.sum(weights ** 2))
        residual = w[:, None] * (np.exp(log_p) - onehot)
        grad_w = residual.T @ x + l2 * weights
        return loss, np.concatenate([grad_w.ravel(), residual.sum(axis=0)])

    theta = lbfgs(objective, np.zeros(n_classes * d + n_classes), max_iter=max_iter)
    return theta[:-n_classes].reshape(n_classes, d), theta[-n_classes:]


def lbfgs(f: Objective, x0: np.ndarray, max_iter: int = 2000, memory: int = 10,
          tol: float = 1e-10) -> np.ndarray:
    """Minimise a smooth convex function with L-BFGS and a backtracking (Armijo) line search."""
    x = x0.copy()
    loss, grad = f(x)
    s_hist: list[np.ndarray] = []
    y_hist: list[np.ndarray] = []
    for _ in range(max_iter):
        if np.linalg.norm(grad, ord=np.inf) < tol:
            break
        direction = -_two_loop(grad, s_hist, y_hist)
        slope = float(grad @ direction)
        if slope >= 0:  # not a descent direction (curvature went wrong): restart from steepest
            s_hist.clear()
            y_hist.clear()
            direction, slope = -grad, -float(grad @ grad)
        step = 1.0
        for _ in range(40):
            new_loss, new_grad = f(x + step * direction)
            if new_loss <= loss + 1e-4 * step * slope:
                break
            step *= 0.5
        else:
            break  # no step lowers the loss: as good as this precision allows
        s, yv = step * direction, new_grad - grad
        if float(s @ yv) > 1e-12:
            s_hist.append(s)
            y_hist.append(yv)
            if len(s_hist) > memory:
                s_hist.pop(0)
                y_hist.pop(0)
        x, improvement = x + s, loss - new_loss
        loss, grad = new_loss, new_grad
        if improvement < tol * max(1.0, abs(loss)):
            break
    return x


def _two_loop(grad: np.ndarray, s_hist: list[np.ndarray], y_hist: list[np.ndarray]
              ) -> np.ndarray:
    """The L-BFGS approximation of the inverse Hessian times the gradient."""
    q = grad.copy()
    alphas = []
    for s, y in zip(reversed(s_hist), reversed(y_hist), strict=True):
        rho = 1.0 / float(y @ s)
        alpha = rho * float(s @ q)
        q -= alpha * y
        alphas.append((rho, alpha))
    if s_hist:
        q *= float(s_hist[-1] @ y_hist[-1]) / float(y_hist[-1] @ y_hist[-1])
    for (s, y), (rho, alpha) in zip(zip(s_hist, y_hist, strict=True), reversed(alphas),
                                    strict=True):
        q += (alpha - rho * float(y @ q)) * s
    return q
