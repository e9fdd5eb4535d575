"""Every experiment, every figure and every claim: ``python analysis/gallery.py [--quick]``.

The same as the ``hopsim-gallery`` command (:mod:`hopsim.gallery.cli`): runs every gallery
entry through the ``hopsim`` command, draws its figures and writes ``index.html`` and
``claims.md`` into ``--out`` (default ``runs/gallery``).
"""

from __future__ import annotations

from hopsim.gallery.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
