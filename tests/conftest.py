import sys
from pathlib import Path

from hypothesis import settings

sys.path.insert(0, str(Path(__file__).parent))

# the suite is deterministic: hypothesis draws the same examples on every run (CI included)
settings.register_profile("actlab", derandomize=True)
settings.load_profile("actlab")
