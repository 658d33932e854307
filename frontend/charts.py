"""Chart geometry for SVG drawn by the templates themselves (no chart library, no CDN).

Pure functions: rows of numbers in, rectangles and ticks out, in a fixed viewBox that scales
to any screen (a phone, a projector). A public cell suppressed as "<5" (docs/product.md F7) is
drawn, not dropped: a hatched segment of a fixed height that says "1 to 4" and no more, so a
chart of a period with complaints never reads as "none".
"""

from dataclasses import dataclass, field

from complaints.stats.scoring import SMALL, SUPPRESSED

SERIES_COLOURS = {"pungli": "#b3261e", "delay": "#c77700", "other": "#4f6d7a"}
_PALETTE = ("#0b5d3b", "#1f6fb2", "#b3261e", "#c77700", "#6a4c93", "#4f6d7a", "#2a9d8f", "#8d6e63")


@dataclass
class Segment:
    key: str
    value: int | str  # a count, or "<5" for a suppressed cell
    y: float
    height: float
    colour: str
    series_index: int = 0
    hidden: bool = False  # a suppressed cell: drawn hatched, at the height of SMALL


@dataclass
class Bar:
    label: str
    x: float
    width: float
    total: int
    segments: list[Segment] = field(default_factory=list)


@dataclass
class StackedBars:
    width: int
    height: int
    plot_top: int
    plot_bottom: int
    plot_left: int
    bars: list[Bar]
    ticks: list[tuple[float, int]]  # (y, value)
    series: list[tuple[str, str]]  # (key, colour)
    empty: bool
    label_every: int = 1  # label every n-th bar, so labels never overlap
    has_hidden: bool = False  # some cell is suppressed: the page explains the hatching


def colour_for(key: str, index: int) -> str:
    return SERIES_COLOURS.get(key, _PALETTE[index % len(_PALETTE)])


def stacked_bars(
    rows: list[dict], keys: list[str], *, label_key: str, width: int = 720, height: int = 280
) -> StackedBars:
    """One bar per row, stacked by ``keys``; a suppressed cell stands at the height of ``SMALL``
    (hatched), other values that are not numbers count as 0."""
    top, bottom, left, right = 12, height - 34, 40, width - 8
    totals = [sum(_number(row.get(key)) for key in keys) for row in rows]
    heights = [sum(_drawn(row.get(key)) for key in keys) for row in rows]
    peak = max(heights, default=0)
    scale_max = _nice_ceiling(peak)
    plot_height = bottom - top
    slot = (right - left) / max(len(rows), 1)
    bar_width = max(2.0, slot * 0.72)
    bars = []
    for index, (row, total) in enumerate(zip(rows, totals, strict=True)):
        x = left + index * slot + (slot - bar_width) / 2
        bar = Bar(label=str(row[label_key]), x=round(x, 2), width=round(bar_width, 2), total=total)
        y = bottom
        for series_index, key in enumerate(keys):
            value = row.get(key)
            drawn = _drawn(value)
            if not drawn:
                continue
            segment_height = plot_height * drawn / scale_max
            y -= segment_height
            bar.segments.append(
                Segment(
                    key,
                    value,
                    round(y, 2),
                    round(segment_height, 2),
                    colour_for(key, series_index),
                    series_index,
                    hidden=value == SUPPRESSED,
                )
            )
        bars.append(bar)
    ticks = [
        (round(bottom - plot_height * step / 4, 2), int(scale_max * step / 4)) for step in range(5)
    ]
    return StackedBars(
        width=width,
        height=height,
        plot_top=top,
        plot_bottom=bottom,
        plot_left=left,
        bars=bars,
        ticks=ticks,
        series=[(key, colour_for(key, index)) for index, key in enumerate(keys)],
        empty=peak == 0,
        label_every=max(1, -(-len(rows) // 12)),
        has_hidden=any(segment.hidden for bar in bars for segment in bar.segments),
    )


def _number(value) -> int:
    return value if isinstance(value, int) else 0


def _drawn(value) -> int:
    """The height a cell is drawn at: its count, or SMALL for a suppressed one."""
    return SMALL if value == SUPPRESSED else _number(value)


def _nice_ceiling(value: int) -> int:
    """The axis top: 4 ticks of a round step (1, 2, 5 × 10ⁿ, or 2.5 × 10ⁿ when whole) that
    reach ``value``, so tick labels are whole numbers and the tallest bar fills the chart."""
    magnitude = 1
    while True:
        for step in (1, 2, 2.5, 5):
            tick = step * magnitude
            if tick == int(tick) and 4 * tick >= value:
                return int(4 * tick)
        magnitude *= 10
