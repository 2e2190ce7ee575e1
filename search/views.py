"""The search results page and the navigation box's type-ahead."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from core.params import parse_page
from search.engine import LABELS, SearchHit, search, search_grouped
from search.forms import SearchForm

GROUP_SIZE = 5
SUGGESTIONS_PER_TYPE = 3

_TARGETS = {
    "account": "customers:detail",
    "stakeholder": "customers:stakeholders",
    "meeting": "dialogue:meeting",
    "goal": "customers:goals",
    "problem": "customers:goals",
    "proposal": "solutions:proposal",
    "contribution": "solutions:proposal",
    "comment": "solutions:proposal",
}


def hit_url(hit: SearchHit) -> str:
    """Where a hit opens; a colleague has no page of their own, so their hits do not link."""
    name = _TARGETS.get(hit.type)
    return reverse(name, args=[hit.link_id]) if name else ""


def _with_urls(hits: list[SearchHit]) -> list[tuple[SearchHit, str]]:
    return [(hit, hit_url(hit)) for hit in hits]


@login_required
@require_GET
def results(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET if "q" in request.GET else None)
    page_number = parse_page(request.GET.get("page"), maximum=999)
    context: dict[str, Any] = {"form": form, "page_number": page_number, "groups": []}
    if form.is_bound and form.is_valid():
        q, type_ = form.cleaned_data["q"], form.cleaned_data["type"]
        if type_:
            hits, has_next = search(request.user, q, type=type_, page=page_number)
            context.update(type=type_, type_label=LABELS[type_], has_next=has_next)
            context["hits"] = _with_urls(hits)
        else:
            context["groups"] = [
                (group, _with_urls(group.hits))
                for group in search_grouped(request.user, q, per_type=GROUP_SIZE)
            ]
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "search/results.html", context, status=status)


@login_required
@require_GET
def suggest(request: HttpRequest) -> HttpResponse:
    """The type-ahead: the best few hits of each type, as a listbox fragment (empty when the
    query is too short, so typing the first letter shows nothing rather than an error)."""
    form = SearchForm(request.GET)
    groups = []
    if form.is_valid():
        groups = [
            (group, _with_urls(group.hits))
            for group in search_grouped(
                request.user, form.cleaned_data["q"], per_type=SUGGESTIONS_PER_TYPE
            )
        ]
    context = {"groups": groups, "q": form.cleaned_data.get("q", "")}
    return render(request, "search/results.html#suggestions", context)
