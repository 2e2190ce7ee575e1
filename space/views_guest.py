"""The guests' pages: sign-in by emailed link, and their one shared space.

A guest is not a `User`: these views never read `request.user`. The guest cookie's path is
/shared/, so browsers do not send it anywhere else, and `GuestBoundaryMiddleware` answers 404
to any other URL that receives it.
"""

import hashlib

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core.audit import client_ip
from core.ratelimit import over_limit
from space import answers, guests, queries, services
from space.access import get_guest_object, guest_required
from space.forms import (
    CorrectionForm,
    GuestStepForm,
    IrrelevantForm,
    MessageForm,
    NewRecordForm,
    RankForm,
    SignInForm,
    rank_choices,
)
from space.models import Guest, PlanStep, SharedItem, SharedProposal
from space.pdf import pdf_response
from space.views import attachment_response, step_page

COOKIE_PATH = "/shared/"
LINK_REQUESTS_PER_CLIENT = 10
LINK_EMAILS_PER_ADDRESS = 3
LINK_WINDOW_SECONDS = 60 * 60


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """Ask for a sign-in link. The answer is the same whether the address is invited."""
    form = SignInForm(request.POST or None)
    if request.method == "POST":
        client = f"space-link:client:{client_ip(request) or '-'}"
        if over_limit(client, limit=LINK_REQUESTS_PER_CLIENT, window_seconds=LINK_WINDOW_SECONDS):
            form.add_error(None, _("Too many requests from your address. Try again later."))
            response = render(request, "space/guest_sign_in.html", {"form": form}, status=429)
            response["Retry-After"] = str(LINK_WINDOW_SECONDS)
            return response
        if form.is_valid():
            email = form.cleaned_data["email"]
            digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
            if not over_limit(
                f"space-link:email:{digest}",
                limit=LINK_EMAILS_PER_ADDRESS,
                window_seconds=LINK_WINDOW_SECONDS,
            ):
                guests.request_sign_in_link(email=email)
            return render(request, "space/guest_sign_in.html", {"sent": True})
    return render(request, "space/guest_sign_in.html", {"form": form})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def follow_link(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link. GET only shows a button (mail scanners that open links do not use
    it up); the POST signs in, once."""
    if request.method != "POST":
        guest = guests.guest_for_token(token)
        status = 200 if guest else 400
        return render(request, "space/guest_link.html", {"valid": bool(guest)}, status=status)
    result = guests.redeem_sign_in_token(token, ip_address=client_ip(request))
    if result is None:
        return render(request, "space/guest_link.html", {"valid": False}, status=400)
    _guest, key = result
    response = redirect("space:guest-space")
    response.set_cookie(
        settings.SPACE_GUEST_COOKIE,
        key,
        path=COOKIE_PATH,
        secure=settings.PRODUCTION,
        httponly=True,
        samesite="Lax",
    )
    return response


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    key = request.COOKIES.get(settings.SPACE_GUEST_COOKIE, "")
    if key:
        guests.end_guest_session(key, ip_address=client_ip(request))
    response = redirect("space:guest-sign-in")
    response.delete_cookie(settings.SPACE_GUEST_COOKIE, path=COOKIE_PATH)
    return response


def _guest_page(
    request: HttpRequest,
    guest: Guest,
    *,
    status: int = 200,
    bound: tuple[str, int, forms.Form] | None = None,
) -> HttpResponse:
    space = guest.space
    page = queries.guest_page(space, guest, step_page=step_page(request))
    # The items' and steps' forms are written out in the templates: only one that comes back
    # with errors is a form object (`bound`), so a long plan costs no form per row.
    ranks = {True: rank_choices(is_goal=True), False: rank_choices(is_goal=False)}
    for item in [*page.goals, *page.problems]:
        item.ranks = ranks[item.is_goal]
        item.correct_form = item.rank_form = item.irrelevant_form = None
    for step in page.steps:
        step.form = None
    new_form = NewRecordForm()
    message_form = MessageForm()
    if bound is not None:
        name, pk, form = bound
        targets = {
            "step": page.steps,
            "correct": [*page.goals, *page.problems],
            "rank": [*page.goals, *page.problems],
            "irrelevant": [*page.goals, *page.problems],
        }
        for target in targets.get(name, []):
            if target.pk == pk:
                setattr(target, "form" if name == "step" else f"{name}_form", form)
        new_form = form if name == "new" else new_form
        message_form = form if name == "message" else message_form
    context = {
        "guest": guest,
        "customer": space.customer,
        "page": page,
        "new_form": new_form,
        "message_form": message_form,
    }
    return render(request, "space/guest_space.html", context, status=status)


@never_cache
@require_http_methods(["GET", "HEAD"])
@guest_required
def guest_space(request: HttpRequest) -> HttpResponse:
    return _guest_page(request, request.guest)  # type: ignore[attr-defined]


@require_POST
@guest_required
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    guest = request.guest  # type: ignore[attr-defined]
    item = get_guest_object(guest, SharedItem, pk)
    answers.confirm_item(item, guest=guest, ip_address=client_ip(request))
    return redirect("space:guest-space")


# A guest's answer about a shared goal or problem: its form and the kind of suggestion.
ANSWERS = {
    "correct": (lambda item, data: CorrectionForm(data, prefix=f"c{item.pk}"), "correct"),
    "rank": (lambda item, data: RankForm(data, prefix=f"r{item.pk}", is_goal=item.is_goal), "rank"),
    "irrelevant": (lambda item, data: IrrelevantForm(data, prefix=f"i{item.pk}"), "irrelevant"),
}


@require_POST
@guest_required
def answer(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """A correction, another priority or severity, or "no longer relevant": a suggestion."""
    guest = request.guest  # type: ignore[attr-defined]
    item = get_guest_object(guest, SharedItem, pk)
    make_form, feedback_kind = ANSWERS[kind]
    form = make_form(item, request.POST)
    if not form.is_valid():
        return _guest_page(request, guest, status=400, bound=(kind, item.pk, form))
    answers.suggest(
        item, guest=guest, kind=feedback_kind, ip_address=client_ip(request), **form.cleaned_data
    )
    return redirect("space:guest-space")


@require_POST
@guest_required
def suggest_record(request: HttpRequest) -> HttpResponse:
    guest = request.guest  # type: ignore[attr-defined]
    form = NewRecordForm(request.POST)
    if not form.is_valid():
        return _guest_page(request, guest, status=400, bound=("new", 0, form))
    answers.suggest(None, guest=guest, ip_address=client_ip(request), **form.cleaned_data)
    return redirect("space:guest-space")


@require_POST
@guest_required
def step(request: HttpRequest, pk: int) -> HttpResponse:
    guest = request.guest  # type: ignore[attr-defined]
    plan_step = get_guest_object(guest, PlanStep, pk)
    form = GuestStepForm(request.POST, prefix=f"s{plan_step.pk}")
    if not form.is_valid():
        return _guest_page(request, guest, status=400, bound=("step", plan_step.pk, form))
    data, ip = form.cleaned_data, client_ip(request)
    try:
        if data["action"] in ("done", "reopen"):
            answers.tick_step(plan_step, guest=guest, done=data["action"] == "done", ip_address=ip)
        elif data["action"] == "comment":
            services.post_message(
                guest.space, body=data["body"], guest=guest, step=plan_step, ip_address=ip
            )
        else:
            answers.propose_step_date(plan_step, guest=guest, due_on=data["due_on"], ip_address=ip)
    except services.NotAllowed as exc:
        form.add_error(None, str(exc))
        return _guest_page(request, guest, status=400, bound=("step", plan_step.pk, form))
    number = step_page(request)
    url = reverse("space:guest-space")
    return redirect(f"{url}?steps={number}#plan" if number > 1 else url)


@require_POST
@guest_required
def message(request: HttpRequest) -> HttpResponse:
    guest = request.guest  # type: ignore[attr-defined]
    form = MessageForm(request.POST)
    if not form.is_valid():
        return _guest_page(request, guest, status=400, bound=("message", 0, form))
    services.post_message(
        guest.space, body=form.cleaned_data["body"], guest=guest, ip_address=client_ip(request)
    )
    return redirect("space:guest-space")


@require_http_methods(["GET", "HEAD"])
@guest_required
def attachment(request: HttpRequest, pk: int) -> HttpResponse:
    shared = get_guest_object(request.guest, SharedProposal, pk)  # type: ignore[attr-defined]
    return attachment_response(shared)


@require_http_methods(["GET", "HEAD"])
@guest_required
def plan_pdf(request: HttpRequest) -> HttpResponse:
    guest = request.guest  # type: ignore[attr-defined]
    if guest.space is None:
        raise Http404
    return pdf_response(guest.space, filename="mutual-action-plan.pdf")
