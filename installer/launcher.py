"""Entry point of the frozen bundle: the same `main` as the ``crm-desktop`` console script."""

import multiprocessing
import sys

from crm_desktop.cli.main import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a no-op unless something spawns processes
    sys.exit(main())
