"""Two-sided daily count processes with a known cross-effect: the truth the methods are tested on.

Model (docs/methods.md, "The simulator"). For side Y and the other side X, on day t:

    z_X,t = min((X_{t-1} + ... + X_{t-h}) / (h * c_X), 5)  X's last-h-day mean, scaled to mean 1
    log mu_Y,t = log base_Y + trend * (t / (n - 1) - 1/2)
                 + log(IRR_{X->Y}) * (z_X,t - 1) + self_excitation * (z_Y,t - 1)
    Y_t ~ NegBin(mean mu_Y,t, variance mu + dispersion * mu^2)

``c_X`` is X's mean daily count over the simulated days: the simulator solves for it by fixed
point (same random numbers each pass), so ``IRR_{X->Y}`` is the factor by which Y's rate
changes when X's activity over the previous h days is one average level higher (e.g. twice its
usual level instead of usual, or usual instead of none). This is the model the count regression
is built around, so it is only one of the truths ``jervis validate`` scores; the others
(``validation/processes.py``) are processes the estimators do not assume. No estimator imports
this module.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from jervis.analysis.series import DyadSeries
from jervis.errors import JervisError

_BURN_IN = 60
# z is capped: with log-linear self-excitation an uncapped burst feeds itself without bound
# (exp(s * z) grows faster than z), and real dyads do not explode either.
Z_CAP = 5.0
_FIXED_POINT_PASSES = 8


def _poisson_inverse(u: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """Poisson quantiles (scipy.stats.poisson.ppf without its per-call overhead)."""
    vals = np.ceil(special.pdtrik(u, lam))
    below = np.maximum(vals - 1, 0)
    return np.where(special.pdtr(below, lam) >= u, below, vals)


def _run(
    base: np.ndarray,
    log_irr: np.ndarray,
    self_excitation: float,
    trend: np.ndarray,
    horizon: int,
    scale: np.ndarray,
    gamma: np.ndarray,
    uniform: np.ndarray,
) -> np.ndarray:
    """One pass of the recursion for many runs at once: arrays are (steps, runs, 2), sides A, B.

    ``log_irr[0]`` is B->A (acts on A's rate), ``log_irr[1]`` is A->B.
    """
    steps = len(gamma)
    out = np.zeros(gamma.shape)
    window = scale * horizon  # the first days start as if both sides were at their mean level
    log_base = np.log(base)
    for t in range(steps):
        z = np.minimum(window / (horizon * scale), Z_CAP)
        log_mu = log_base + trend[t] + log_irr * (z[:, ::-1] - 1.0) + self_excitation * (z - 1.0)
        lam = np.exp(np.minimum(log_mu, 12.0)) * gamma[t]
        y = _poisson_inverse(uniform[t], np.maximum(lam, 1e-12))
        out[t] = y
        window = window + y - (out[t - horizon] if t >= horizon else scale)
    return out


def simulate_counts(
    n_runs: int,
    n_days: int = 730,
    base_rate: tuple[float, float] = (2.0, 3.0),
    cross_irr: dict[str, float] | None = None,
    self_excitation: float = 0.2,
    trend: float = 0.0,
    dispersion: float = 0.5,
    horizon: int = 7,
    seed: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Daily counts of ``n_runs`` independent runs, shape (runs, n_days, 2), and each run's scale.

    All runs share one time loop (vectorised), which is what makes simulation studies cheap.
    """
    irr = {"A->B": 1.0, "B->A": 1.0, **(cross_irr or {})}
    if set(irr) != {"A->B", "B->A"} or min(irr.values()) <= 0:
        raise JervisError("cross_irr takes positive IRRs for 'A->B' and 'B->A'")
    if n_days < 2 * horizon or horizon < 1 or min(base_rate) <= 0 or dispersion < 0:
        raise JervisError("simulate needs n_days >= 2*horizon, horizon >= 1, rates > 0")
    rng = np.random.default_rng(seed)
    steps = n_days + _BURN_IN
    if dispersion > 0:
        shape = 1.0 / dispersion
        gamma = rng.gamma(shape, 1.0 / shape, size=(steps, n_runs, 2))
    else:
        gamma = np.ones((steps, n_runs, 2))
    uniform = rng.uniform(size=(steps, n_runs, 2))
    days = np.arange(steps) - _BURN_IN
    trend_path = trend * (np.clip(days, 0, None) / max(n_days - 1, 1) - 0.5)
    base = np.asarray(base_rate, dtype=float)
    log_irr = np.log([irr["B->A"], irr["A->B"]])
    scale = np.tile(base, (n_runs, 1))
    for _ in range(_FIXED_POINT_PASSES):
        counts = _run(base, log_irr, self_excitation, trend_path, horizon, scale, gamma, uniform)
        realised = np.maximum(counts[_BURN_IN:].mean(axis=0), 1e-3)
        if np.all(np.abs(realised / scale - 1.0) < 1e-3):
            break
        scale = realised
    return counts[_BURN_IN:].transpose(1, 0, 2).astype(np.int64), scale


def series_from_counts(
    counts: np.ndarray, start: str = "2020-01-01", labels: dict[str, str] | None = None
) -> DyadSeries:
    """A daily DyadSeries straight from an (n_days, 2) array (no event rows to count)."""
    index = pd.date_range(start, periods=len(counts), freq="D", name="date")
    frame = pd.DataFrame(counts, index=index, columns=["A", "B"]).astype("int64")
    zeros = pd.DataFrame(0.0, index=index, columns=["A", "B"])
    return DyadSeries(
        counts=frame,
        killed=zeros,
        wounded=zeros.copy(),
        events=_events_from_counts(frame),
        bin="day",
        labels=dict(labels or {"A": "simulated A", "B": "simulated B"}),
        actions="initiated",
        start=index[0],
        end=index[-1],
    )


def _events_from_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """One row per action, in the canonical event-frame layout the store returns."""
    values = counts.to_numpy().reshape(-1)
    sides = np.repeat(np.tile(["A", "B"], len(counts)), values)
    nan = np.full(len(sides), np.nan)
    return pd.DataFrame(
        {
            "date": np.repeat(np.repeat(counts.index.to_numpy(), 2), values),
            "time": None,
            "side": sides,
            "target_side": np.where(sides == "A", "B", "A"),
            "event": "ASSAULT",
            "mode": None,
            "latitude": nan,
            "longitude": nan,
            "killed": nan,
            "wounded": nan,
            "actor_killed": nan,
            "target_killed": nan,
            "civilians_killed": nan,
        }
    )


def simulate(
    n_days: int = 730,
    base_rate: tuple[float, float] = (2.0, 3.0),
    cross_irr: dict[str, float] | None = None,
    self_excitation: float = 0.2,
    trend: float = 0.0,
    dispersion: float = 0.5,
    horizon: int = 7,
    seed: int | None = None,
    start: str = "2020-01-01",
    as_series: bool = False,
) -> pd.DataFrame | DyadSeries:
    """Simulate two sides' daily actions with known cross-effects (the truth in ``.attrs``).

    Returns the event frame the store would give (one row per action, ``side`` = initiator),
    or the :class:`DyadSeries` directly with ``as_series=True``. ``trend`` is the change of
    both sides' log rate from the first to the last day (a common trend, the classic
    confounder); ``dispersion`` is the negative-binomial alpha.
    """
    irr = {"A->B": 1.0, "B->A": 1.0, **(cross_irr or {})}
    counts, scale = simulate_counts(
        1, n_days, base_rate, irr, self_excitation, trend, dispersion, horizon, seed
    )
    base = np.asarray(base_rate, dtype=float)
    scale = scale[0]
    realised = counts[0].mean(axis=0)
    if np.any(np.abs(realised / np.maximum(scale, 1e-9) - 1.0) > 0.05):
        # The fixed point did not settle (a burst fed itself): the stated IRR would not be
        # the truth, and the event frame could run to millions of rows. Say so instead.
        raise JervisError(
            f"simulation did not reach a stable level (means {realised.round(2).tolist()} "
            f"vs {scale.round(2).tolist()}); lower self_excitation or raise base_rate"
        )
    series = series_from_counts(counts[0], start)
    truth = {
        "cross_irr": irr,
        "horizon_days": horizon,
        "scale": {"A": float(scale[0]), "B": float(scale[1])},
        "base_rate": {"A": float(base[0]), "B": float(base[1])},
        "self_excitation": self_excitation,
        "trend": trend,
        "dispersion": dispersion,
        "seed": seed,
    }
    if as_series:
        series.events.attrs["truth"] = truth
        return series
    frame = series.events
    frame.attrs["truth"] = truth
    return frame
