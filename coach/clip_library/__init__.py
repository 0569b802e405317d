"""The clip library: clipped excerpts of top-performer calls, tagged and searchable."""

from coach.clip_library.model import TAG_KINDS, ClipPack, ClipSpec

__all__ = ["TAG_KINDS", "ClipPack", "ClipSpec"]
