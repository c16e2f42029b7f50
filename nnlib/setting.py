"""What a setting is: how one TrainConfig field is chosen, written (URL, command line) and shown.
The settings themselves, one entry each, are in nnlib/registry.py."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

CHOICE, WHOLE, NUMBER, TEXT_LIST, FLAG = "choice", "whole number", "number", "text list", "flag"


@dataclass(frozen=True)
class Setting:
    """How one TrainConfig field is chosen, written and shown everywhere.

    kind: CHOICE (one of choices), WHOLE or NUMBER (one of values, else low to high by step),
    TEXT_LIST (numbers typed as "256, 128"; choices = the items offered, if any), FLAG.
    label, help, labels (value -> words) and compare_label are English ui.i18n templates.
    group: the Train tab that shows it ("data", "network", "training"; "" = command line only).
    cli_help is the command line's own (English only). compare: the values Compare offers
    (empty = not compared) and compare_defaults the ones it starts with. board: a post to the class
    board carries it (a column of the board's table, a colouring of its curves). default is used for
    a field TrainConfig does not have yet (a setting whose maths is not written).
    """

    name: str
    kind: str
    label: str
    group: str = ""
    help: str = ""
    url_key: str = ""
    cli_flag: str = ""
    cli_help: str | None = None
    choices: tuple = ()
    values: tuple = ()
    low: float | None = None
    high: float | None = None
    step: float | None = None
    most: int | None = None  # TEXT_LIST: the most items
    labels: dict = dataclasses.field(default_factory=dict)
    shown: str = ""  # a format template for a value ("×{:g}"); "" = 0.5, 32, relu
    parse: object = None  # TEXT_LIST: text -> tuple, raising ConfigError
    compare: tuple = ()
    compare_defaults: tuple = ()
    compare_label: str = ""
    board: bool = False
    default: object = None

    def read(self, config) -> object:
        """This setting's value in config."""
        return getattr(config, self.name, self.default)

    def from_text(self, text: str):
        """The value a person typed (command line, URL): ConfigError or ValueError when it is none."""
        if self.kind == TEXT_LIST:
            return self.parse(text)
        if self.kind == FLAG:
            if str(text).lower() not in ("0", "1", "true", "false", "yes", "no"):
                raise ValueError(text)
            return str(text).lower() in ("1", "true", "yes")
        if self.kind == WHOLE:
            return int(text)
        if self.kind == NUMBER:
            return float(text)
        if text not in self.choices:
            raise ValueError(text)
        return text

    def to_text(self, value) -> str:
        """The value as a URL or command line writes it: "256,128", "0.5", "1"; text lists typed by
        a person are kept as typed, without spaces."""
        if self.kind == TEXT_LIST:
            return value.replace(" ", "") if isinstance(value, str) else ",".join(map(str, value))
        if self.kind == FLAG:
            return str(int(bool(value)))
        if self.kind == NUMBER:
            return f"{float(value):g}"
        return str(value)

    def plain(self, value) -> str:
        """The value in a run's name ("digits=0-9, hidden=50"): runs of three or more whole numbers
        in a text list are written "first-last"."""
        if self.kind != TEXT_LIST:
            return f"{value:g}" if isinstance(value, float) else str(value)
        items = list(value)
        if len(items) > 2 and items == list(range(items[0], items[0] + len(items))):
            return f"{items[0]}-{items[-1]}"
        return ",".join(map(str, items))
