"""Model backends. For now: locating the bundled local model that ships with the install."""

from inference.bundled_model import BundledModelMissing, bundled_model_path

__all__ = ["BundledModelMissing", "bundled_model_path"]
