"""`python -m runnerup.cli`: the same as the `runnerup` command."""

from . import main

if __name__ == "__main__":  # pragma: no cover
    main()
