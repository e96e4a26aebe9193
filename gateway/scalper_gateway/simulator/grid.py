"""Prices, volumes and money on their grids, as the TS paper broker computes them: whole steps
first (JavaScript's Math.round, half up), so float noise never reaches a price or the balance."""
import math

MAX_DECIMALS = 12


def round_half_up(value: float) -> int:
    return math.floor(value + 0.5)


def decimals_of(step: float) -> int:
    for decimals in range(MAX_DECIMALS + 1):
        scaled = step * 10**decimals
        if abs(scaled - round(scaled)) < 1e-9:
            return decimals
    return MAX_DECIMALS


def round_to_step(value: float, step: float) -> float:
    return round(round_half_up(value / step) * step, decimals_of(step))


def whole_points(difference: float, point: float) -> int:
    return round_half_up(difference / point)


def to_cents(amount: float) -> int:
    return round_half_up(amount * 100)


def from_cents(cents: int) -> float:
    return cents / 100
