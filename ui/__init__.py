"""The app's middle floor: figures, widgets' settings, the session's model and the runtime.

Importing any ui module first limits BLAS to one thread before NumPy loads: several
sessions training at once were twice as slow with a thread pool each.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
