from coach.clip_library.retrieval import customer_lines, lookup


def test_lines_by_scenario_and_objection_are_real_pushback(seed_documents):
    lines = customer_lines(seed_documents, scenario="study-abroad-ielts-zh", objection="price")
    texts = [line.text for line in lines]
    assert any("太贵了" in text for text in texts)
    assert all(line.scenario == "study-abroad-ielts-zh" for line in lines)
    # acceptance lines of the same clip are not objections
    assert not any(text.startswith("分期的话倒是还行") for text in texts)
    en = customer_lines(seed_documents, scenario="crm-logistics-discovery", objection="competitor")
    assert any("Salesforce" in line.text for line in en)


def test_order_is_fixed_and_filters_combine(seed_documents):
    first = customer_lines(seed_documents, stage="opening", language="zh")
    again = customer_lines(list(reversed(seed_documents)), stage="opening", language="zh")
    assert first == again and first
    assert [(line.clip_id, line.turn) for line in first] == sorted(
        (line.clip_id, line.turn) for line in first
    )
    assert all(line.stage == "opening" and line.language == "zh" for line in first)
    assert first[0].before or first[0].turn == 0
    assert len(customer_lines(seed_documents, stage="opening", limit=2)) == 2


def test_lookup_for_the_persona_engine(seed_documents):
    lines = lookup(seed_documents)
    price = lines("crm-logistics-discovery", "price")
    assert price and all(isinstance(text, str) for text in price)
    assert lines("crm-logistics-discovery", "price") == price
    # other products' customers are never borrowed
    assert lines("no-such-scenario", "price") == []
    assert len(lookup(seed_documents, per_call=1)("crm-logistics-discovery", "price")) == 1
