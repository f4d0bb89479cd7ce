"""Enterprise scale bands of 统计上大中小微型企业划分办法(2017).

A sector rule lists, for each indicator it uses (employees, revenue, assets),
the lower bound of the large, medium and small bands.  Large, medium and small
need *every* listed indicator to reach the band's lower bound, otherwise the
enterprise drops one band (and again, until a band fits); micro needs only one
indicator below the small bound.  Both rules together mean: the class is the
lowest band reached by any indicator.
"""

from dataclasses import dataclass

LARGE, MEDIUM, SMALL, MICRO = "large", "medium", "small", "micro"
BANDS = (LARGE, MEDIUM, SMALL, MICRO)
INDICATORS = ("employees", "revenue", "assets")


@dataclass(frozen=True)
class Bounds:
    """Lower bounds of one indicator: large ≥ large, medium ≥ medium, small ≥ small."""

    large: float
    medium: float
    small: float

    def band(self, value):
        if value >= self.large:
            return LARGE
        if value >= self.medium:
            return MEDIUM
        if value >= self.small:
            return SMALL
        return MICRO


def indicator_band(bounds, value):
    """Band reached by one indicator value."""
    return bounds.band(value)


def classify_scale(rule, values):
    """Return the scale class for ``values`` under ``rule``, or None.

    :param rule: mapping indicator name -> :class:`Bounds`, only for the
        indicators the sector uses; an empty rule means the sector is not
        covered by the standard (J, P, S, T, 53, 84, 704).
    :param values: mapping indicator name -> number or None; a missing, None
        or zero value counts as not entered.
    :return: one of :data:`BANDS`, or None when the sector is not covered or
        the entered indicators do not decide the class: micro needs only one
        entered indicator below the small bound, whatever else is missing;
        large, medium and small need every indicator the sector lists.
    """
    if not rule:
        return None
    bands = [
        bounds.band(values[indicator])
        for indicator, bounds in rule.items()
        if values.get(indicator)
    ]
    if MICRO in bands:
        return MICRO
    if len(bands) < len(rule):
        return None
    return max(bands, key=BANDS.index)
