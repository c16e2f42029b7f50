"""The app's middle floor: figures, widgets' settings, the session's model and the runtime.

Importing any ui module first limits BLAS to one thread before NumPy loads: several
sessions training at once were twice as slow with a thread pool each.

It also imports, once and whole, the modules Plotly looks up half-loaded: while turning a
figure into JSON, Plotly reads ``sys.modules`` for ``PIL.Image`` and ``pandas`` without
importing them, so a session drawing a chart while another session's thread was still
importing Pillow failed with "partially initialized module 'PIL.Image'" (seen with eight
sessions on a fresh server). Every page imports ``ui`` before it draws anything, and a
module's import is locked, so no page reaches Plotly before these are complete.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import pandas  # noqa: E402, F401  (see above: complete before any page draws a chart)
import PIL.Image  # noqa: E402, F401
