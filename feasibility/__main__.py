"""Run the CLI as ``python -m feasibility``."""

from feasibility.cli.app import main

if __name__ == "__main__":
    main()
