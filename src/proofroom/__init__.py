"""Proofroom: studio management for professional photographers, with its own online gallery."""

__version__ = "0.1.0"
