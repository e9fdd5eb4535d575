"""numba kernels only: the hot loops, pure functions over arrays (``cache=True``)."""
