"""Shared pytest setup for tests/."""

import sys
from pathlib import Path

# The oracle helpers (tests/oracle.py) are imported as `from oracle import ...`; make
# that work under every pytest import mode, not only the default "prepend".
sys.path.insert(0, str(Path(__file__).parent))
