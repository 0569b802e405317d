"""Text handling for both languages: sentences, normalisation, tokens, fillers."""

from coach.text.sentences import split_sentences

__all__ = ["split_sentences"]
