"""Held-out test sets of writing styles MNIST hardly has, drawn as pen strokes.

    pictures, labels = style_set("crossed_7", count=300, seed=0)

Each style is a hand-made template of polylines in a unit box (x right, y down,
height 1), drawn independently of nnlib.augment's training styles (other shapes,
other proportions, another random stream): every picture moves each point a
little, then slants, rotates, stretches, thickens and places the whole digit at
random, deterministically by seed. "Pen" styles come out as the Draw page's
canvas sees them (white ink on black, any size and place on a 140×140 picture);
"…/scan" styles draw the same templates as a low-resolution black-and-white scan: thick
strokes, the digit filling its 16×16 box, binarised, enlarged 4× in blocks, dark ink on
white paper; and "scan" draws every digit so, in these styles and in plain shapes.

Read them as the app does: ``nnlib.pipeline.read_digit(picture, network, config,
background=STYLE_BACKGROUND[style])`` (``style_accuracy`` does).
"""

from __future__ import annotations

import numpy as np

from nnlib.pipeline import read_digit
from nnlib.writing_styles import arc, stroke_ink

PEN_CANVAS = 140  # px, a pen style's picture side
SCAN_BOX = 16  # px, the scan's digit box ...
SCAN_ENLARGE = 4  # ... enlarged in blocks to 64×64


def _line(*points) -> np.ndarray:
    return np.array(points, dtype=np.float64)


#: style -> (digit, templates): each template a list of polylines in the unit box.
STYLE_TEMPLATES = {
    "flag_1": (
        1,
        [
            [_line((0.1, 0.35), (0.45, 0.0), (0.45, 1.0))],
            [_line((0.05, 0.3), (0.4, 0.0), (0.42, 1.0))],
        ],
    ),
    "flag_base_1": (
        1,
        [
            [_line((0.1, 0.3), (0.5, 0.0), (0.5, 1.0)), _line((0.15, 1.0), (0.85, 1.0))],
            [_line((0.0, 0.4), (0.45, 0.0), (0.45, 1.0)), _line((0.1, 1.0), (0.8, 1.0))],
        ],
    ),
    "crossed_7": (
        7,
        [
            [_line((0.0, 0.0), (0.7, 0.0), (0.25, 1.0)), _line((0.2, 0.5), (0.7, 0.5))],
            [_line((0.05, 0.05), (0.75, 0.0), (0.4, 1.0)), _line((0.3, 0.55), (0.8, 0.5))],
        ],
    ),
    "crossed_z_7": (
        7,
        [
            [_line((0.0, 0.15), (0.05, 0.0), (0.7, 0.0), (0.15, 1.0)), _line((0.15, 0.5), (0.65, 0.5))],
            [_line((0.0, 0.2), (0.1, 0.02), (0.75, 0.0), (0.25, 1.0)), _line((0.25, 0.52), (0.75, 0.48))],
        ],
    ),
    "open_4": (
        4,
        [
            [_line((0.25, 0.0), (0.0, 0.65), (0.75, 0.65)), _line((0.55, 0.15), (0.55, 1.0))],
            [_line((0.3, 0.0), (0.05, 0.6), (0.8, 0.6)), _line((0.6, 0.05), (0.58, 1.0))],
        ],
    ),
    "slanted_stem_4": (
        4,
        [
            [_line((0.35, 0.0), (0.0, 0.6), (0.8, 0.6)), _line((0.85, 0.0), (0.45, 1.0))],
            [_line((0.3, 0.05), (0.05, 0.65), (0.75, 0.65)), _line((0.75, 0.0), (0.35, 1.0))],
        ],
    ),
    "straight_9": (
        9,
        [
            [np.vstack([arc(0.3, 0.25, 0.28, 0.24, 0.1, 0.1 - 2 * np.pi, 18), _line((0.3, 1.0))])],
            [np.vstack([arc(0.3, 0.22, 0.3, 0.22, 0.0, -2 * np.pi, 18), _line((0.45, 1.0))])],
        ],
    ),
    "looped_2": (
        2,
        [
            [
                np.vstack(
                    [
                        arc(0.35, 0.25, 0.32, 0.25, np.pi, np.pi * 2.2, 12),
                        _line((0.15, 0.8)),
                        arc(0.18, 0.88, 0.1, 0.1, -np.pi / 2, np.pi * 1.1, 10),
                        _line((0.8, 1.0)),
                    ]
                )
            ],
            [
                np.vstack(
                    [
                        arc(0.4, 0.22, 0.3, 0.22, np.pi * 1.1, np.pi * 2.3, 12),
                        _line((0.2, 0.75)),
                        arc(0.2, 0.87, 0.13, 0.12, -np.pi / 2, np.pi * 1.2, 10),
                        _line((0.85, 0.98)),
                    ]
                )
            ],
        ],
    ),
    "european_5": (
        5,
        [
            [
                np.vstack(
                    [_line((0.15, 0.05), (0.12, 0.42)), arc(0.4, 0.68, 0.32, 0.3, -np.pi * 0.75, np.pi * 0.8, 14)]
                ),
                _line((0.18, 0.02), (0.8, -0.1)),
            ],
            [
                np.vstack([_line((0.2, 0.0), (0.15, 0.45)), arc(0.42, 0.7, 0.3, 0.28, -np.pi * 0.8, np.pi * 0.7, 14)]),
                _line((0.2, 0.0), (0.75, 0.0)),
            ],
        ],
    ),
}

#: Plain shapes of the other digits, for the scan style's every-digit set.
PLAIN_TEMPLATES = {
    0: [[arc(0.35, 0.5, 0.35, 0.5, -np.pi / 2, 1.55 * np.pi, 20)]],
    3: [
        [
            np.vstack(
                [
                    arc(0.35, 0.25, 0.3, 0.23, -np.pi * 0.9, np.pi * 0.5, 10),
                    arc(0.35, 0.73, 0.33, 0.27, -np.pi / 2, np.pi * 0.9, 12),
                ]
            )
        ]
    ],
    6: [
        [np.vstack([arc(0.6, 0.5, 0.55, 0.5, -np.pi * 0.6, -np.pi, 8), arc(0.35, 0.72, 0.3, 0.28, np.pi, -np.pi, 16)])]
    ],
    8: [
        [
            np.vstack(
                [
                    arc(0.35, 0.25, 0.25, 0.24, np.pi / 2, np.pi * 2.5, 14),
                    arc(0.35, 0.74, 0.32, 0.26, -np.pi / 2, np.pi * 1.5, 16),
                ]
            )
        ]
    ],
}

SCAN_SUFFIX = "/scan"
#: every style drawn with a pen ("crossed_7") and scanned ("crossed_7/scan"), and "scan":
#: every digit, in these styles and plain shapes, scanned
STYLES = (*STYLE_TEMPLATES, *(name + SCAN_SUFFIX for name in STYLE_TEMPLATES), "scan")
#: the paper's grey level each style's pictures are read with (None: estimated, as an upload)
STYLE_BACKGROUND = {style: None if style.endswith("scan") else 0.0 for style in STYLES}


def _scan_templates() -> list[tuple[int, list]]:
    """(digit, template) for every digit: the styles' shapes and the plain ones."""
    pairs = [(digit, template) for digit, templates in STYLE_TEMPLATES.values() for template in templates]
    return pairs + [(digit, template) for digit, templates in PLAIN_TEMPLATES.items() for template in templates]


def _jittered(template: list, rng: np.random.Generator, wobble: float = 0.018) -> list:
    """The template's polylines, every point moved a little, then the whole slanted, rotated and
    stretched at random: unit-box coordinates, not yet placed."""
    slant, angle = rng.uniform(-0.3, 0.3), rng.uniform(-0.15, 0.15)
    stretch = np.array([rng.uniform(0.8, 1.25), 1.0])
    cos, sin = np.cos(angle), np.sin(angle)
    out = []
    for line in template:
        points = (line + rng.normal(0, wobble, line.shape)) * stretch
        x, y = points[:, 0] - slant * (points[:, 1] - 0.5), points[:, 1]
        out.append(np.stack([cos * x - sin * y, sin * x + cos * y], axis=1))
    return out


def _placed(strokes: list, height: float, top_left: np.ndarray, box_width: float | None = None) -> list:
    """Strokes scaled to height px (and to box_width px wide, if given) with their bounding
    box's corner at top_left (x, y) px."""
    points = np.vstack(strokes)
    low, extent = points.min(axis=0), np.maximum(np.ptp(points, axis=0), 1e-6)
    scale = np.array([box_width / extent[0] if box_width else height / extent[1], height / extent[1]])
    return [(line - low) * scale + top_left for line in strokes]


def pen_picture(template: list, rng: np.random.Generator) -> np.ndarray:
    """One drawing of template as the Draw page's canvas holds it: (PEN_CANVAS, PEN_CANVAS) grey,
    ink 1 on black, any size and place, a pen 3-10% of the canvas wide."""
    height = rng.uniform(0.45, 0.85) * PEN_CANVAS
    strokes = _jittered(template, rng)
    pen = rng.uniform(0.03, 0.1) * PEN_CANVAS
    margin = pen
    corner = rng.uniform(margin, PEN_CANVAS - height * 0.9 - margin, 2)
    placed = _placed(strokes, height, corner)
    return stroke_ink(placed, PEN_CANVAS, PEN_CANVAS, pen)


def scan_picture(template: list, rng: np.random.Generator) -> np.ndarray:
    """One drawing of template as a low-resolution black-and-white scan: thick strokes, the digit
    filling its SCAN_BOX box's height (minus a pixel of paper) and stretched up to 1.6× wider,
    binarised, enlarged SCAN_ENLARGE× in blocks; dark ink on white paper, (64, 64) grey."""
    strokes = _jittered(template, rng)
    inner = SCAN_BOX - 2
    extent = np.ptp(np.vstack(strokes), axis=0)
    width = min(inner, inner * extent[0] / max(extent[1], 1e-6) * rng.uniform(1.0, 1.6))
    placed = _placed(strokes, inner, np.array([(SCAN_BOX - width) / 2, 1.0]), width)
    ink = stroke_ink(placed, SCAN_BOX, SCAN_BOX, rng.uniform(1.8, 3.0)) > rng.uniform(0.35, 0.6)
    return 1.0 - np.kron(ink, np.ones((SCAN_ENLARGE, SCAN_ENLARGE)))


def style_set(style: str, count: int = 300, seed: int = 0) -> tuple[list[np.ndarray], np.ndarray]:
    """count pictures of one style (of STYLES) and their labels, the same for the same seed."""
    rng = np.random.default_rng([seed, STYLES.index(style)])
    if style == "scan":
        pairs = _scan_templates()
        chosen = [pairs[i] for i in rng.integers(0, len(pairs), count)]
        return [scan_picture(template, rng) for _, template in chosen], np.array([digit for digit, _ in chosen])
    digit, templates = STYLE_TEMPLATES[style.removesuffix(SCAN_SUFFIX)]
    draw = scan_picture if style.endswith(SCAN_SUFFIX) else pen_picture
    return [draw(templates[i], rng) for i in rng.integers(0, len(templates), count)], np.full(count, digit)


def style_accuracy(network, config, style: str, count: int = 300, seed: int = 0) -> float:
    """Share of one style set read as its label through read_digit (no reading counts as wrong)."""
    pictures, labels = style_set(style, count, seed)
    readings = [read_digit(picture, network, config, background=STYLE_BACKGROUND[style]) for picture in pictures]
    return float(np.mean([bool(reading) and reading.digit == label for reading, label in zip(readings, labels)]))
