"""``python -m dreamq``."""

from dreamq._cli import main

main()
