"""The work cap counts compute: CPU-seconds estimated from multiply-adds, with what fits."""

from __future__ import annotations

import pytest

from nnlib import PRESETS
from nnlib.cost import check_cost, estimate_seconds, max_cpu_seconds, multiply_adds

BLOG_IMAGES, ALL_IMAGES = 12_665, 60_000  # training images of 0/1 and of all ten digits
HUGE = PRESETS["seed"].replace(hidden=(4096, 4096, 4096), dtype="float64")


def test_multiply_adds_are_the_weights_of_one_forward_pass():
    assert multiply_adds(PRESETS["seed"]) == 784 * 10 + 10 * 2
    assert multiply_adds(PRESETS["digits"]) == 784 * 256 + 256 * 128 + 128 * 10


def test_the_presets_pass_the_default_cap_and_the_huge_network_does_not(monkeypatch):
    monkeypatch.delenv("NNLIB_MAX_CPU_SECONDS", raising=False)
    for name, images in (("seed", BLOG_IMAGES), ("class", ALL_IMAGES), ("digits", ALL_IMAGES)):
        assert check_cost(PRESETS[name], images).allowed, name
    check = check_cost(HUGE, BLOG_IMAGES)
    assert not check.allowed and check.estimate_s > 30 * check.cap_s  # today's cap let it through
    assert check.fits_epochs is None  # even one epoch is too much: smaller layers are offered
    assert check.fits_hidden is not None and len(check.fits_hidden) == 3
    assert check_cost(HUGE.replace(hidden=check.fits_hidden), BLOG_IMAGES).allowed
    bigger = tuple(h + 64 for h in check.fits_hidden)
    assert not check_cost(HUGE.replace(hidden=bigger), BLOG_IMAGES).allowed  # the largest that fits


def test_too_many_epochs_are_offered_the_most_that_fit():
    config = PRESETS["digits"].replace(epochs=50)
    check = check_cost(config, ALL_IMAGES, cap_s=60)
    assert not check.allowed and 1 <= check.fits_epochs < 50
    assert estimate_seconds(config.replace(epochs=check.fits_epochs), ALL_IMAGES) <= 60
    assert estimate_seconds(config.replace(epochs=check.fits_epochs + 1), ALL_IMAGES) > 60


def test_cost_grows_with_what_costs_compute():
    base = PRESETS["class"]
    cost = estimate_seconds(base, ALL_IMAGES)
    assert estimate_seconds(base.replace(epochs=10), ALL_IMAGES) > 1.9 * cost
    assert estimate_seconds(base.replace(hidden=(768,)), ALL_IMAGES) > 2.5 * cost
    assert estimate_seconds(base.replace(dtype="float64"), ALL_IMAGES) > 1.5 * cost
    assert estimate_seconds(base.replace(augment=1.0), ALL_IMAGES) > cost
    assert estimate_seconds(base.replace(batch_size=1), ALL_IMAGES) > 2 * cost  # per-sample loop overhead
    assert estimate_seconds(base, 6_000) < cost / 5


def test_the_class_preset_is_cheaper_than_a_quarter_of_digits():
    assert estimate_seconds(PRESETS["class"], ALL_IMAGES) < estimate_seconds(PRESETS["digits"], ALL_IMAGES) / 4


@pytest.mark.parametrize("text,expected", [("120", 120.0), ("", 60.0), ("lots", 60.0), ("-5", 60.0), ("nan", 60.0)])
def test_the_cap_comes_from_the_environment(monkeypatch, text, expected):
    monkeypatch.setenv("NNLIB_MAX_CPU_SECONDS", text)
    assert max_cpu_seconds() == expected


def test_the_train_page_gets_the_refusal_values_it_shows(monkeypatch):
    from ui.settings import cost_check, refusal_values

    class Blog:  # the blog's 0/1 training and test counts, as prepared data has them
        y_train, y_test = range(BLOG_IMAGES), range(2_115)

    monkeypatch.setenv("NNLIB_MAX_CPU_SECONDS", "60")
    check = cost_check(HUGE, Blog)
    values = refusal_values(check)
    assert not check.allowed and values["cap"] == "60" and values["epochs"] == ""
    assert float(values["estimate"].replace(",", "")) > 1_000
    assert values["hidden"] == ", ".join(map(str, check.fits_hidden))
    assert cost_check(PRESETS["seed"], Blog).allowed
