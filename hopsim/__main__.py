"""``python -m hopsim``: the same as the ``hopsim`` command."""

from hopsim.cli import main

if __name__ == "__main__":
    main()
