"""Every user-visible string is translatable, and the German catalogue is complete.

If `test_templates_have_no_text_outside_translation_tags` fails, wrap each listed text in
{% translate "..." %} (or {% blocktranslate %}...{% endblocktranslate %} when it holds
variables), then run `make messages`, translate the new entries in
locale/de/LC_MESSAGES/django.po and run `make messages` again (it compiles the .mo).
"""

import ast
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType
from django.utils import translation

from customers.models import Stakeholder
from mailin.models import InboundAddress

ROOT = Path(settings.BASE_DIR)
TEMPLATE_DIRS = [ROOT / "templates"]
PO = ROOT / "locale" / "de" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
# Words that are the same in every language: the product's name, units, formats.
UNTRANSLATED = {"Accord", "CSV", "API", "JSON", "OK", "UTC", "ID", "URL", "Markdown", "…"}
# Attributes a user reads or hears.
# data-confirm and data-busy are read out by static/js/accord.js (the confirm dialog, the
# busy note); hx-confirm by htmx.
VISIBLE_ATTRIBUTES = {
    "title",
    "placeholder",
    "aria-label",
    "alt",
    "aria-description",
    "data-confirm",
    "data-busy",
    "hx-confirm",
}
HOLE = " "  # a tag or variable: a space keeps "<details{% if x %} open{% endif %}>" a tag
_LETTERS = re.compile(r"[^\W\d_]{2,}")
_BLOCKS = {
    "blocktranslate": "endblocktranslate",
    "blocktrans": "endblocktrans",
    "comment": "endcomment",
    "verbatim": "endverbatim",
}


def _without_translated(source: str) -> str:
    """The template with every tag, variable and translated block replaced by a hole."""
    out: list[str] = []
    closing = None
    for token in Lexer(source).tokenize():
        if closing is not None:
            if token.token_type == TokenType.BLOCK and token.contents.split()[0] == closing:
                closing = None
            continue
        if token.token_type == TokenType.TEXT:
            out.append(token.contents)
            continue
        if token.token_type == TokenType.BLOCK:
            closing = _BLOCKS.get(token.contents.split()[0])
        out.append(HOLE)
    return "".join(out)


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        kind = dict(attrs).get("type")
        for name, value in attrs:
            if name in VISIBLE_ATTRIBUTES or (
                name == "value" and tag == "input" and kind in ("submit", "button")
            ):
                self.texts.append(value or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden = max(0, self._hidden - 1)

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.texts.append(data)


def untranslated_texts(path: Path) -> list[str]:
    source = _without_translated(path.read_text())
    if path.suffix == ".html":
        parser = _Visible()
        parser.feed(source)
        texts = parser.texts
    else:
        texts = source.splitlines()
    found = []
    for text in texts:
        words = " ".join(text.replace(HOLE, " ").split())
        if _LETTERS.search(words) and not set(_LETTERS.findall(words)) <= UNTRANSLATED:
            found.append(words)
    return found


def _templates() -> list[Path]:
    return sorted(
        path
        for directory in TEMPLATE_DIRS
        for path in directory.rglob("*")
        if path.suffix in (".html", ".txt", ".md")
    )


def test_the_checker_finds_text_outside_translation_tags(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        '{% load i18n %}<h1>{% translate "Fine" %}</h1><p>Not fine</p>'
        '<a title="Hover text">{{ name }}</a>'
        "{% blocktranslate %}Also {{ fine }}{% endblocktranslate %}"
        '<script>var x = "code";</script><input type="submit" value="Send">'
        "{# a comment #}<span>{{ a }} · {{ b }}</span><p>Accord</p>"
    )
    assert untranslated_texts(page) == ["Not fine", "Hover text", "Send"]


def test_templates_have_no_text_outside_translation_tags():
    problems = {
        str(path.relative_to(ROOT)): texts
        for path in _templates()
        if (texts := untranslated_texts(path))
    }
    report = "\n".join(f"{name}: {texts}" for name, texts in problems.items())
    assert not problems, (
        f"{sum(map(len, problems.values()))} texts in {len(problems)} templates are not "
        "translatable; wrap them in {% translate %} / {% blocktranslate %} (see this file's "
        f"docstring):\n{report}"
    )


def test_the_german_catalogue_is_complete():
    catalogue = polib.pofile(str(PO))
    missing = [entry.msgid for entry in catalogue if not entry.translated()]
    fuzzy = [entry.msgid for entry in catalogue if "fuzzy" in entry.flags and not entry.obsolete]
    assert not missing, f"{len(missing)} untranslated German entries: {missing[:30]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy German entries: {fuzzy[:30]}"


def test_the_german_catalogue_has_every_string_of_the_code(tmp_path):
    """A string marked for translation but missing from the catalogue would show in English."""
    if shutil.which("xgettext") is None:
        pytest.skip("makemessages needs gettext's xgettext")
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv",
            ".git",
            "node_modules",
            "staticfiles",
            "*.sqlite3",
            "__pycache__",
            "tests",
            "bench",
            "deploy",
        ),
    )
    subprocess.run(
        [
            *(sys.executable, "manage.py", "makemessages", "-l", "de"),
            *("-e", "html,txt,py,md", "--no-obsolete", "--no-location"),
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    wanted = {e.msgid for e in polib.pofile(str(copy / "locale/de/LC_MESSAGES/django.po"))}
    have = {e.msgid for e in polib.pofile(str(PO)) if not e.obsolete}
    assert not wanted - have, (
        f"not in the German catalogue (run make messages): {sorted(wanted - have)[:30]}"
    )


def test_the_compiled_catalogue_matches_the_po_file(tmp_path):
    compiled = tmp_path / "django.mo"
    polib.pofile(str(PO)).save_as_mofile(str(compiled))
    assert MO.read_bytes() == compiled.read_bytes(), "run make messages to compile the .mo"


# Python code: the calls whose text a user reads (messages, validation errors, choice labels,
# field labels and help texts) take a translated string, never a bare English literal.
MESSAGE_CALLS = {"success", "error", "info", "warning", "debug", "add_message"}
LABEL_KEYWORDS = {"verbose_name", "verbose_name_plural", "help_text", "label"}
CHOICE_BASES = {"TextChoices", "IntegerChoices"}


def _is_bare_text(node: ast.AST) -> bool:
    """A str literal with letters, or an f-string: English that gettext never sees."""
    if isinstance(node, ast.JoinedStr):
        return True
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and bool(_LETTERS.search(node.value))
    )


def _choice_labels(node: ast.Call) -> list[ast.AST]:
    """The labels of a literal `choices=[(value, label), ...]` that differ from their value."""
    for keyword in node.keywords:
        if keyword.arg == "choices" and isinstance(keyword.value, ast.List | ast.Tuple):
            pairs = [e.elts for e in keyword.value.elts if isinstance(e, ast.Tuple)]
            return [
                label
                for value, label in (p for p in pairs if len(p) == 2)
                if ast.dump(value) != ast.dump(label)
            ]
    return []


def _call_name(node: ast.Call) -> tuple[str | None, str | None]:
    func = node.func
    if isinstance(func, ast.Attribute):
        return getattr(func.value, "id", None), func.attr
    return None, getattr(func, "id", None)


def bare_python_texts(source: str) -> list[tuple[int, str]]:
    """(line, what) for each bare English literal a user would read."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            owner, name = _call_name(node)
            texts = []
            if owner == "messages" and name in MESSAGE_CALLS:
                texts += [("messages." + name, arg) for arg in node.args[1:]]
            if name == "ValidationError" and node.args:
                texts.append(("ValidationError", node.args[0]))
            if owner != "serializers":  # the OpenAPI schema is developer documentation
                texts += [(k.arg, k.value) for k in node.keywords if k.arg in LABEL_KEYWORDS]
            if owner == "forms":
                texts += [("choices", label) for label in _choice_labels(node)]
            found += [(arg.lineno, what) for what, arg in texts if _is_bare_text(arg)]
        elif isinstance(node, ast.ClassDef) and any(
            getattr(base, "attr", getattr(base, "id", None)) in CHOICE_BASES for base in node.bases
        ):
            for statement in node.body:
                value = getattr(statement, "value", None)
                labelled = isinstance(value, ast.Tuple) and len(value.elts) >= 2
                if isinstance(statement, ast.Assign) and labelled and _is_bare_text(value.elts[-1]):
                    found.append((statement.lineno, f"{node.name} label"))
    return found


def _python_files() -> list[Path]:
    skip = {".venv", "tests", "bench", "deploy", "migrations", "node_modules", "staticfiles"}
    return sorted(
        path
        for path in ROOT.rglob("*.py")
        if not skip & set(path.relative_to(ROOT).parts[:-1]) and path.parent != ROOT
    )


def test_the_python_checker_finds_bare_english():
    source = (
        "from django.contrib import messages\n"
        "class Kind(models.TextChoices):\n"
        '    A = "a", "Plain"\n'
        '    B = "b", _("Fine")\n'
        'messages.success(request, f"Saved {x}.")\n'
        'messages.error(request, _("Fine"))\n'
        'raise ValidationError("Bad input.")\n'
        'raise ValidationError(_("Fine"), code="x")\n'
        'field = forms.CharField(label="Name", help_text=_("Fine"))\n'
        'pick = forms.ChoiceField(choices=[("a", "Label"), ("b", "b"), ("c", _("Fine"))])\n'
        'version = serializers.ChoiceField(choices=[1], help_text="For API clients")\n'
    )
    assert sorted(bare_python_texts(source)) == [
        (3, "Kind label"),
        (5, "messages.success"),
        (7, "ValidationError"),
        (9, "label"),
        (10, "choices"),
    ]


def test_python_code_passes_no_bare_english_to_users():
    problems = [
        f"{path.relative_to(ROOT)}:{line} {what}"
        for path in _python_files()
        for line, what in bare_python_texts(path.read_text())
    ]
    assert not problems, (
        f"{len(problems)} user-visible texts are not translatable; wrap each in gettext / "
        "gettext_lazy (with %(name)s placeholders instead of an f-string), then run "
        "make messages and translate them:\n" + "\n".join(problems)
    )


# A date filter names one of the language's formats (config/formats/), or a machine format.
_DATE_FILTER = re.compile(r"""\|(?:date|time):(["'])(.*?)\1""")
NAMED_FORMATS = {
    "DATE_FORMAT",
    "DATETIME_FORMAT",
    "SHORT_DATE_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "TIME_FORMAT",
    "MONTH_DAY_FORMAT",
    "YEAR_MONTH_FORMAT",
}
MACHINE_FORMATS = {"c", "Y-m-d", "U"}  # datetime="" attributes, ids, timestamps
WEEKDAY = {"l", "D"}  # the day's name alone, beside a named format


def test_templates_use_one_date_format_per_language():
    found = [
        f"{path.relative_to(ROOT)}: {fmt}"
        for path in _templates()
        for _quote, fmt in _DATE_FILTER.findall(path.read_text())
        if fmt not in NAMED_FORMATS | MACHINE_FORMATS | WEEKDAY
    ]
    assert not found, (
        "a hard-coded date format shows dates unlike the rest of the app; use DATE_FORMAT, "
        "DATETIME_FORMAT, TIME_FORMAT or MONTH_DAY_FORMAT (config/formats/):\n" + "\n".join(found)
    )


@pytest.mark.django_db
def test_a_german_user_reads_german_dates_numbers_and_labels(client):
    from django.urls import reverse

    from tests import factories

    lead = factories.UserFactory(language="de", time_zone="Europe/Berlin")
    proposal = factories.ProposalFactory(customer__lead=lead, value="1234.5", currency="EUR")
    factories.GoalFactory(customer=proposal.customer, target_on="2026-12-05")
    client.force_login(lead)
    page = client.get(reverse("solutions:proposal", args=[proposal.pk])).content.decode()
    assert "1.234,50" in page
    goals = client.get(reverse("customers:goals", args=[proposal.customer.pk])).content.decode()
    assert "05.12.2026" in goals


OUR_APPS = {
    "accounts",
    "core",
    "customers",
    "dialogue",
    "health",
    "insights",
    "integrations",
    "integrity",
    "mailin",
    "solutions",
    "space",
    "strategy",
}


def test_model_and_field_names_are_translatable():
    """Admin pages, model-derived form labels and field errors name models and fields."""
    from django.apps import apps
    from django.utils.functional import Promise

    bare = []
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS or model.__name__.startswith("Historical"):
            continue
        for name in ("verbose_name", "verbose_name_plural"):
            if not isinstance(getattr(model._meta, name), Promise):
                bare.append(f"{model.__name__} Meta.{name}")
        for field in model._meta.get_fields():
            translatable = isinstance(getattr(field, "verbose_name", None), Promise)
            if field.concrete and not field.auto_created and not translatable:
                bare.append(f"{model.__name__}.{field.name}")
    assert not bare, "wrap these in gettext_lazy (verbose_name=_(...)): " + ", ".join(bare)


def test_model_derived_labels_read_german():
    from django.forms import modelform_factory
    from django.utils import translation

    from customers.models import Customer, Stakeholder

    with translation.override("de"):
        assert str(Stakeholder._meta.verbose_name_plural) == "Ansprechpartner"
        form = modelform_factory(Stakeholder, fields=["buying_role", "reports_to"])()
        assert form["buying_role"].label == "Rolle im Buying Center"
        assert form["reports_to"].label == "Berichtet an"
        assert str(Customer._meta.get_field("industry").verbose_name) == "Branche"


def test_one_english_word_with_two_meanings_reads_right_in_german():
    """The word "User": a buying role (Anwender), and a person's own mail address (Benutzer)."""
    with translation.override("de"):
        assert str(Stakeholder.BuyingRole.USER.label) == "Anwender"
        assert str(InboundAddress.Kind.USER.label) == "Benutzer"
