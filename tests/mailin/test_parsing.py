"""Folding quoted replies and signatures; the body as markdown that renders as itself."""

import pytest

from core.markdown import render_markdown
from mailin.parsing import as_markdown, fold, html_to_text


def test_a_quoted_reply_is_folded():
    folded = fold(
        "Thanks, March works.\n\nOn Mon, Dec 1, 2026 at 10:00 AM Carla <c@x.example> wrote:\n"
        "> Can we start in March?\n> Carla"
    )
    assert folded.text == "Thanks, March works."
    assert folded.quoted.startswith("On Mon, Dec 1, 2026")
    assert "Can we start in March?" in folded.quoted


def test_a_german_quote_header_is_folded():
    folded = fold(
        "Danke, März passt.\n\nAm Mo., 1. Dez. 2026 um 10:00 Uhr schrieb Carla "
        "<c@x.example>:\n> Können wir im März starten?"
    )
    assert folded.text == "Danke, März passt."
    assert "Können wir" in folded.quoted


def test_an_outlook_original_message_is_folded():
    folded = fold("See below.\n\n-----Original Message-----\nFrom: Carla\nSent: Monday\n\nOld text")
    assert folded.text == "See below."
    assert "Old text" in folded.quoted


@pytest.mark.parametrize("delimiter", ["-- ", "--", "__", "Sent from my iPhone"])
def test_the_signature_is_folded(delimiter):
    folded = fold(f"Hi Carla,\n\nthanks, we agree.\n\nBest,\nSam\n{delimiter}\nSam Seller\nACME")
    assert folded.text == "Hi Carla,\n\nthanks, we agree.\n\nBest,\nSam"
    assert folded.signature.endswith("ACME")


def test_text_without_quote_or_signature_stays_whole():
    assert fold("Just one line - with a dash.") == fold("Just one line - with a dash.")
    assert fold("Just one line - with a dash.").text == "Just one line - with a dash."
    assert fold("").text == ""


def test_the_body_renders_as_itself_in_markdown():
    text = "# not a heading\n*not emphasis* <b>not bold</b> [x](javascript:alert(1))\nline two"
    html = render_markdown(as_markdown(text))
    assert "<h1>" not in html
    assert "<em>" not in html
    assert "<b>" not in html
    assert "href" not in html
    assert "# not a heading" in html
    assert "<br" in html


def test_html_to_text_keeps_blocks_and_drops_scripts():
    text = html_to_text("<div>One<br>Two</div><style>p{}</style><p>Three &amp; four</p>")
    assert text == "One\nTwo\nThree & four"
