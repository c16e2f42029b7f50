"""The Draw page's canvas: streamlit-drawable-canvas 0.13, without its 200 ms wait after a stroke.

The package's frontend sends a finished stroke to the server 200 ms after the pen lifts (a
debounce hard-coded in its bundle as ``Bc = 200``). On a page whose whole answer takes one
rerun, that wait was most of what a student felt: stroke end → Prediction took 4× a bare
button's round trip. Here the package's own bundle runs as a component of ours whose
JavaScript is a small loader: it fetches the bundle from where Streamlit already serves it,
sets the wait to ``STROKE_WAIT_MS``, and imports it. If the bundle is not the one expected
(another release), the loader imports it unchanged: the canvas works, with the wait.

``st_canvas`` is the package's own function, unchanged (arguments, result, key): only the
component it mounts is this one, so the canvas and its ``canvas.upper-canvas`` are the same.
"""

from __future__ import annotations

import importlib.util
import json
import threading
from pathlib import Path

import streamlit as st

__all__ = ["STROKE_WAIT_MS", "bundle_url", "st_canvas"]

#: How long the canvas waits after a stroke before sending it: long enough to send a stroke once.
STROKE_WAIT_MS = 20
PACKAGE_COMPONENT = "streamlit-drawable-canvas.streamlit_drawable_canvas"
#: The package's built frontend, found without importing it (importing it needs a running server).
BUILD = Path(importlib.util.find_spec("streamlit_drawable_canvas").origin).parent / "frontend" / "build"
WAIT_IN_BUNDLE = "Bc = 200,"  # streamlit-drawable-canvas 0.13.0's debounce, as built

LOADER = """
const BUNDLE = __BUNDLE__;
const WAIT = __WAIT__;
let bundle = null;

function load() {
  if (bundle === null) {
    bundle = fetch(BUNDLE)
      .then((response) => {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then((source) => {
        const quick = source.replace(WAIT, __QUICK__);
        if (quick === source) return import(BUNDLE);  // another release: as it is
        return import(URL.createObjectURL(new Blob([quick], { type: "text/javascript" })));
      })
      .catch(() => import(BUNDLE));
  }
  return bundle;
}

export default function (component) {
  let cleanup = null;
  let unmounted = false;
  load().then((module) => {
    if (!unmounted) cleanup = module.default(component);
  });
  return () => {
    unmounted = true;
    if (cleanup) cleanup();
  };
}
"""


def bundle_url(base_url_path: str = "") -> str:
    """Where Streamlit serves the package's bundle: /<base>/_stcore/bidi-components/<component>/<file>."""
    (bundle,) = BUILD.glob("index-*.js")
    base = "/".join(part for part in base_url_path.split("/") if part)
    return f"{'/' + base if base else ''}/_stcore/bidi-components/{PACKAGE_COMPONENT}/{bundle.name}"


def loader_js(base_url_path: str = "") -> str:
    """The loader's JavaScript (about 1 kB: it is sent with every rerun, the bundle is not)."""
    return (
        LOADER.replace("__BUNDLE__", json.dumps(bundle_url(base_url_path)))
        .replace("__WAIT__", json.dumps(WAIT_IN_BUNDLE))
        .replace("__QUICK__", json.dumps(f"Bc = {STROKE_WAIT_MS},"))
    )


def st_canvas(**options):
    """streamlit_drawable_canvas.st_canvas(**options), mounting the quick component."""
    return _quick_package().st_canvas(**options)


_patched = None
_patching = threading.Lock()


def _quick_package():
    """The package, its `out` (what st_canvas mounts) replaced by the quick component once per process."""
    global _patched
    with _patching:  # sessions run in threads: register the component once
        if _patched is None:
            import streamlit_drawable_canvas

            (css,) = BUILD.glob("index-*.css")
            streamlit_drawable_canvas.out = st.components.v2.component(
                "nnlib.quick_canvas",
                js=loader_js(st.get_option("server.baseUrlPath") or ""),
                css=css.read_text(),
                html='<div class="canvas-root"></div>',
                isolate_styles=True,
            )
            _patched = streamlit_drawable_canvas
    return _patched
