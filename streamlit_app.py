"""nnlib: watch a neural network written from scratch in NumPy learn to read digits.

The app's one entrypoint: every visit runs this first, whatever page its URL names.
"""

# Complete before any page draws a chart: while turning a figure into JSON, Plotly reads
# sys.modules for PIL.Image and pandas without importing them, so a session drawing a chart
# while another session's thread was still importing Pillow failed with "partially initialized
# module 'PIL.Image'" (seen with eight sessions on a fresh server). A module's import is locked.
import pandas  # noqa: F401
import PIL.Image  # noqa: F401

from ui.navigation import run_app

run_app()
