"""The Draw page's canvas: streamlit-drawable-canvas 0.13, without its 200 ms wait after a stroke.

The package's frontend sends a finished stroke to the server 200 ms after the pen lifts (a
debounce hard-coded in its bundle as ``Bc = 200``). On a page whose whole answer takes one
rerun, that wait was most of what a student felt: stroke end → Prediction took 4× a bare
button's round trip. Here the package's own bundle runs as a component of ours whose
JavaScript is a small loader: it fetches the bundle from where Streamlit already serves it
(the server's address as the page reached it, a proxy's path prefix included), sets the wait
to ``STROKE_WAIT_MS``, and imports it from a blob: URL. If the bundle is not the one expected
(another release) or that fails (a Content-Security-Policy without ``blob:`` in
``script-src``), it imports the bundle as built: the canvas works, with the wait. The root
element says which ran: ``data-nnlib-wait="quick"`` or ``"as-built"``.

``st_canvas`` is the package's own function, unchanged (arguments, result, key): only the
component it mounts is this one, so the canvas and its ``canvas.upper-canvas`` are the same.
"""

from __future__ import annotations

import importlib.util
import json
import logging
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


#: The package's toolbar (undo, redo, reset, …) waits invisible over the canvas's top right until a
#: mouse hovers: on a phone, with no hover, it swallowed strokes that started there and a tap on its
#: hidden Reset wiped the drawing. The page has its own Clear.
HIDE_TOOLBAR = ".dc-toolbar { display: none !important; }"


def _built(pattern: str) -> Path | None:
    """The one built file matching pattern, or None (another layout: the package is then used as it is)."""
    found = sorted(BUILD.glob(pattern))
    return found[0] if len(found) == 1 else None


BUNDLE, STYLES = _built("index-*.js"), _built("index-*.css")
#: The bundle's address below the server's: /_stcore/bidi-components/<component>/index-<hash>.js
BUNDLE_PATH = f"/_stcore/bidi-components/{PACKAGE_COMPONENT}/{BUNDLE.name}" if BUNDLE else ""

LOADER = """
const BUNDLE_PATH = __BUNDLE_PATH__;  // below the server's address
const SERVER_PATH = __SERVER_PATH__;  // the same from server.baseUrlPath, if the page says nothing better
const WAIT = __WAIT__;
const QUICK = __QUICK__;
let loading = null;

// The server's address as the page reached it: the frontend's own /_stcore/ requests say it,
// behind a proxy that adds a path prefix too (server.baseUrlPath would not know of one). The
// frontend first tries addresses that fail (/Draw/_stcore/health: 404): take the newest answered.
function bundleUrl() {
  const entries = performance.getEntriesByType("resource");
  for (let index = entries.length - 1; index >= 0; index--) {
    const { name, responseStatus } = entries[index];
    const at = name.indexOf("/_stcore/");
    if (at >= 0 && (responseStatus === undefined || responseStatus === 200)) return name.slice(0, at) + BUNDLE_PATH;
  }
  return new URL(SERVER_PATH, location.href).href;  // absolute: this module itself lives at a blob: URL
}

async function loadBundle() {
  const url = bundleUrl();
  try {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    const source = await response.text();
    const quick = source.replace(WAIT, QUICK);
    if (quick !== source) {
      const blob = URL.createObjectURL(new Blob([quick], { type: "text/javascript" }));
      return { module: await import(blob), wait: "quick" };
    }
    console.warn("nnlib canvas: not the bundle expected; it keeps its own wait");
  } catch (error) {
    console.warn("nnlib canvas: the quick bundle failed, loading it as built:", error);
  }
  return { module: await import(url), wait: "as-built" };
}

function load() {
  if (loading === null) {
    loading = loadBundle().catch((error) => {
      loading = null;  // the next mount tries again
      throw error;
    });
  }
  return loading;
}

// Streamlit awaits this and keeps the cleanup it returns; a failure shows as the component's error.
export default async function (component) {
  const { module, wait } = await load();
  const cleanup = module.default(component);
  component.parentElement.querySelector(".canvas-root")?.setAttribute("data-nnlib-wait", wait);
  return cleanup;
}
"""


def bundle_url(base_url_path: str = "") -> str:
    """Where Streamlit serves the package's bundle: /<base>/_stcore/bidi-components/<component>/<file>."""
    base = "/".join(part for part in base_url_path.split("/") if part)
    return f"{'/' + base if base else ''}{BUNDLE_PATH}"


def loader_js(base_url_path: str = "") -> str:
    """The loader's JavaScript, about 2 kB (sent with every rerun, with the 2 kB of CSS; the bundle is not)."""
    return (
        LOADER.replace("__BUNDLE_PATH__", json.dumps(BUNDLE_PATH))
        .replace("__SERVER_PATH__", json.dumps(bundle_url(base_url_path)))
        .replace("__WAIT__", json.dumps(WAIT_IN_BUNDLE))
        .replace("__QUICK__", json.dumps(f"Bc = {STROKE_WAIT_MS},"))
    )


def st_canvas(**options):
    """streamlit_drawable_canvas.st_canvas(**options), mounting the quick component."""
    return _quick_package().st_canvas(**options)


def digit_canvas(size: int, key: str, stroke_width: int = 18):
    """A square canvas (size × size pixels) to draw a digit on as MNIST's are: white ink on black,
    freehand; its result's image_data is (size, size, 4) RGBA, or None before it mounts."""
    return st_canvas(
        stroke_width=stroke_width,
        stroke_color="#FFFFFF",
        background_color="#000000",
        height=size,
        width=size,
        drawing_mode="freedraw",
        return_image_data=True,
        key=key,
    )


_patched = None
_patching = threading.Lock()


def _quick_package():
    """The package, its `out` (what st_canvas mounts) replaced by the quick component once per process.

    A release laid out differently keeps its own component: the canvas works, with its wait.
    """
    global _patched
    with _patching:  # sessions run in threads: register the component once
        if _patched is None:
            import streamlit_drawable_canvas

            if BUNDLE and STYLES and hasattr(streamlit_drawable_canvas, "out"):
                streamlit_drawable_canvas.out = st.components.v2.component(
                    "nnlib.quick_canvas",
                    js=loader_js(st.get_option("server.baseUrlPath") or ""),
                    css=STYLES.read_text() + HIDE_TOOLBAR,
                    html='<div class="canvas-root"></div>',
                    isolate_styles=True,
                )
            else:
                logging.getLogger(__name__).warning("streamlit-drawable-canvas is not 0.13: its own canvas is used")
            _patched = streamlit_drawable_canvas
    return _patched
