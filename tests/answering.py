"""Helpers for answering the shipped questionnaire through the test client."""

from surveys.models import Option, Question

INNOVATOR_ANSWERS = {
    "role": "unit_manager",
    "inc_services": "yes",
    "inc_processes": "no",
    "inc_communication": "dont_know",
    "newest_description": "Digital tilsynsliste på avdelingen.",
    "newest_type": ["service", "process"],
    "newest_break": "develops",
    "newest_technology": "supporting",
    "novelty": "adapted",
    "initiated_by": ["employees", "leaders"],
    "implemented_by": ["employees"],
    "collaborated_with": ["own_municipality", "users"],
    "value_created": ["quality", "employee_satisfaction"],
    "evaluated": "internal",
    "spread": "yes",
    **{
        f"factor_{name}": "5"
        for name in (
            "safe_operations",
            "mistakes",
            "internal_collaboration",
            "technology",
            "economy",
            "employee_involvement",
            "user_involvement",
            "political",
        )
    },
    **{f"culture_{name}": "agree" for name in ("risk", "openness", "recognition", "collaboration", "asking")},
}

NON_INNOVATOR_ANSWERS = {
    "role": "deputy",
    "inc_services": "no",
    "inc_processes": "no",
    "inc_communication": "dont_know",
    "work_in_progress": "yes",
    **{f"culture_{name}": "neutral" for name in ("risk", "openness", "recognition", "collaboration", "asking")},
}


def option_id(question_set, question_code: str, option_code: str) -> str:
    return str(
        Option.objects.values_list("pk", flat=True).get(
            question__question_set=question_set, question__code=question_code, code=option_code
        )
    )


def post_data(question_set, codes: list[str], answers: dict, action: str = "next") -> dict:
    """The POST body a browser would send for the questions ``codes``."""
    data = {"action": action}
    kinds = dict(Question.objects.filter(question_set=question_set, code__in=codes).values_list("code", "kind"))
    for code in codes:
        if code not in answers:
            continue
        value = answers[code]
        if kinds[code] in {"number", "text"}:
            data[code] = value
        elif isinstance(value, list):
            data[code] = [option_id(question_set, code, v) for v in value]
        else:
            data[code] = option_id(question_set, code, value)
    return data


def answer_all(client, response_token: str, question_set, answers: dict, max_pages: int = 20):
    """Walk the questionnaire from the start, answering each page; returns the pages visited."""
    page = client.get(f"/s/{response_token}/", follow=False)
    assert page.status_code == 200, page.status_code
    url = page.context["next_url"]
    visited = []
    for _ in range(max_pages):
        if url.endswith("/oppsummering/"):
            return visited
        page = client.get(url)
        assert page.status_code == 200, (url, page.status_code)
        codes = list(page.context["form"].fields)
        visited.append(page.context["section"].code)
        result = client.post(url, post_data(question_set, codes, answers))
        assert result.status_code == 302, (url, result.context and result.context["form"].errors)
        url = result["Location"]
    raise AssertionError("the questionnaire did not end")
