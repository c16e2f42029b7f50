"""The Draw canvas without its 200 ms wait: the patch must still apply to the installed bundle."""

import json

from ui import canvas


def test_the_installed_bundle_has_the_wait_the_loader_shortens_exactly_once():
    """A new streamlit-drawable-canvas release would make the loader fall back to the 200 ms wait: say so here."""
    assert canvas.BUNDLE is not None and canvas.STYLES is not None
    assert canvas.BUNDLE.read_text().count(canvas.WAIT_IN_BUNDLE) == 1


def test_bundle_url_follows_the_base_url_path():
    name = canvas.BUNDLE.name
    assert canvas.bundle_url("") == f"/_stcore/bidi-components/{canvas.PACKAGE_COMPONENT}/{name}"
    assert canvas.bundle_url("/nnlib/") == f"/nnlib/_stcore/bidi-components/{canvas.PACKAGE_COMPONENT}/{name}"
    assert canvas.bundle_url("a/b") == f"/a/b/_stcore/bidi-components/{canvas.PACKAGE_COMPONENT}/{name}"


def test_the_loader_names_the_bundle_and_the_shorter_wait():
    js = canvas.loader_js("/nnlib")
    assert json.dumps(canvas.BUNDLE_PATH) in js
    assert json.dumps(canvas.bundle_url("/nnlib")) in js
    assert json.dumps(f"Bc = {canvas.STROKE_WAIT_MS},") in js
    assert "export default async function" in js
    assert len(js.encode()) < 3_000  # sent with every rerun, unlike the 400 kB bundle
