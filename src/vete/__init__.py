"""vete: race-free booking and store core for multi-clinic veterinary platforms."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("vete")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
